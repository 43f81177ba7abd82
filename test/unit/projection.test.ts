import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSchema, execute, parse } from "graphql";
import { Selection } from "../../src/graphql/selection";
import { groupProjection } from "../../src/modules/group/group.projection";
import { memberProjection } from "../../src/modules/group/member-page";

/** The Selection a resolver of `field` (on Query) would see for `document`. */
function selectionOf(document: string, field = "members"): Selection {
  const schema = buildSchema(`type Query { members: C groups: C } type C { x: Int }`);
  let seen: Selection | null = null;
  // graphql-js calls a function on the root value with (args, context, info).
  const capture = (_args: unknown, _context: unknown, info: Parameters<typeof Selection.of>[0]) => ((seen = Selection.of(info)), null);
  execute({ schema, document: parse(document), rootValue: { [field]: capture } });
  assert.ok(seen, "the resolver ran");
  return seen as Selection;
}

describe("projection from a selection (graphql/selection.ts, projection.ts)", () => {
  it("flattens fragments and inline fragments and merges repeated fields", () => {
    const s = selectionOf(`{ members { edges { node { a ...F ... on X { b c { d } } c { e } } } } } fragment F on X { f c { g } }`);
    assert.deepEqual(s.at("edges", "node").names().sort(), ["a", "b", "c", "f"]);
    assert.deepEqual(s.at("edges", "node", "c").names().sort(), ["d", "e", "g"]);
    assert.deepEqual(s.at("pageInfo").names(), []);
  });

  it("members: user names only read the group and the name; ids bring the user id; cursors the join order", () => {
    const names = memberProjection(selectionOf(`{ members { edges { node { user { displayName } } } } }`));
    assert.deepEqual(names.member, ["groupId"]);
    assert.deepEqual(names.user, ["displayName"]);
    const ids = memberProjection(selectionOf(`{ members { edges { node { id user { id } } } } }`));
    assert.deepEqual(ids.member, ["groupId", "userId"]);
    assert.deepEqual(ids.user, ["rowId"]);
    const cursors = memberProjection(selectionOf(`{ members { pageInfo { endCursor } edges { node { role } } } }`));
    assert.deepEqual(cursors.member, ["groupId", "joinSeq", "role", "userId"]);
    assert.equal(cursors.withUser, false);
  });

  it("a field the table does not list reads every column (null), as does an unknown selection", () => {
    assert.equal(memberProjection(selectionOf(`{ members { edges { node { somethingNew } } } }`)).member, null);
    assert.equal(memberProjection(selectionOf(`{ members { edges { node { user { somethingNew } } } } }`)).user, null);
    const unknown = memberProjection(null);
    assert.equal(unknown.member, null);
    assert.equal(unknown.user, null);
    assert.equal(unknown.withUser, true);
  });

  it("groups: owner and members read the owner id and size; anything else unlisted reads the whole group", () => {
    const read = groupProjection(selectionOf(`{ groups { edges { node { owner { displayName } members { edges { node { id } } } } } } }`, "groups"));
    assert.deepEqual(read.group, ["memberCount", "ownerId", "rowId"]);
    assert.deepEqual(read.owner, ["displayName"]);
    assert.equal(read.cursors, false);
    assert.equal(groupProjection(selectionOf(`{ groups { edges { cursor node { settings { joinApproval } } } } }`, "groups")).group, null);
  });
});
