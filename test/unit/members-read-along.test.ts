import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSchema, parse } from "graphql";
import { membersReadAlong } from "../../src/modules/group/group.resolver";

// The shape of the API's schema around Group.members (the rule looks at names and types only).
const schema = buildSchema(`
  type Query { myGroups(first: Int, after: String): GroupConnection groups(first: Int): GroupConnection group(id: ID!): Group }
  type Mutation { renameGroup(name: String): Payload }
  type Payload { group: Group }
  type GroupConnection { edges: [GroupEdge!]! }
  type GroupEdge { node: Group! cursor: String! }
  type Group { id: ID! members(first: Int, after: String, tag: String): MemberConnection subGroups: GroupConnection }
  type MemberConnection { edges: [MemberEdge!]! }
  type MemberEdge { node: Member! }
  type Member { id: ID! }
`);
const along = (document: string) => membersReadAlong(schema, parse(document));
const MEMBERS = `members(first: $n) { edges { node { id } } }`;

describe("Group.members compiled as a property read (membersReadAlong)", () => {
  it("holds for one members field directly below myGroups { edges { node", () => {
    assert.equal(along(`query($n: Int) { myGroups(first: 5) { edges { cursor node { id ${MEMBERS} } } } }`), true);
    assert.equal(along(`query($n: Int) { mine: myGroups { edges { node { ... on Group { ${MEMBERS} } } } } }`), true);
  });

  it("does not hold where a group's members could be anything else's", () => {
    const cases: Array<[string, string]> = [
      ["two members fields", `query($n: Int) { myGroups { edges { node { a: ${MEMBERS} b: members(first: 1) { edges { node { id } } } } } } }`],
      ["a cursor", `query($n: Int) { myGroups { edges { node { members(first: $n, after: "x") { edges { node { id } } } } } } }`],
      ["a tag", `query($n: Int) { myGroups { edges { node { members(first: $n, tag: "vip") { edges { node { id } } } } } } }`],
      ["the tenant's groups", `query($n: Int) { groups { edges { node { ${MEMBERS} } } } }`],
      ["one group", `query($n: Int) { group(id: "g") { ${MEMBERS} } }`],
      ["myGroups and another way in", `query($n: Int) { myGroups { edges { node { ${MEMBERS} } } } group(id: "g") { ${MEMBERS} } }`],
      ["sub-groups below myGroups", `query($n: Int) { myGroups { edges { node { subGroups { edges { node { ${MEMBERS} } } } } } } }`],
      ["a named fragment", `query($n: Int) { myGroups { edges { node { ...G } } } } fragment G on Group { ${MEMBERS} }`],
      ["a mutation payload", `mutation($n: Int) { renameGroup(name: "x") { group { ${MEMBERS} } } }`],
    ];
    for (const [name, document] of cases) assert.equal(along(document), false, name);
  });

  it("does not hold without a members field (nothing to compile as a read)", () => {
    assert.equal(along(`{ myGroups { edges { node { id } } } }`), false);
  });
});
