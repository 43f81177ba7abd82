import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "graphql";
import { buildAppSchema } from "../../src/schema";
import { JitExecutor, serializableByJit } from "../../src/http/executor";

const READ = `query($groups: Int!, $members: Int!) { myGroups(first: $groups) { edges { node { owner { displayName } members(first: $members) { edges { node { user { displayName } } } } } } } }`;

describe("graphql-jit's compiled JSON serialiser", () => {
  const schema = buildAppSchema();

  it("serves documents of object, list, enum and built-in scalar fields only", () => {
    assert.equal(serializableByJit(schema, parse(READ)), true);
    assert.equal(serializableByJit(schema, parse(`query($id: ID!) { group(id: $id) { id name memberCount viewerMembership { role } } }`)), true);
    // A custom scalar (DateTime), an abstract type (Node), either one inside a fragment.
    assert.equal(serializableByJit(schema, parse(`{ myGroups(first: 1) { edges { node { createdAt } } } }`)), false);
    assert.equal(serializableByJit(schema, parse(`query($id: ID!) { node(id: $id) { id } }`)), false);
    assert.equal(serializableByJit(schema, parse(`{ myGroups(first: 1) { edges { node { ...G } } } } fragment G on Group { createdAt }`)), false);
  });

  it("writes what JSON.stringify writes, escapes included", () => {
    const compiled = new JitExecutor(schema).compiled(parse(READ), undefined);
    assert.ok(compiled);
    assert.notEqual(compiled.stringify, JSON.stringify);
    const names = ['plain', 'a "quoted" \\ name', "tab\tand\nnew line", "é 中文 😀", "\u2028\u2029", "\ud800 alone", "x".repeat(60) + '"', "", "y".repeat(6000)];
    const data = {
      myGroups: {
        edges: names.map((name, i) => ({
          node: { owner: i % 3 === 0 ? null : { displayName: name }, members: { edges: names.map((member) => ({ node: { user: { displayName: member } } })) } },
        })),
      },
    };
    assert.equal(compiled.stringify({ data }), JSON.stringify({ data }));
    // A document jit cannot serialise keeps JSON.stringify itself.
    assert.equal(new JitExecutor(schema).compiled(parse(`{ myGroups(first: 1) { edges { node { createdAt } } } }`), undefined)?.stringify, JSON.stringify);
  });
});
