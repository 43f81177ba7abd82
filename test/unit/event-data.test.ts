import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toGlobalId } from "../../src/common/global-id";
import { EventRecord, storedEventData } from "../../src/modules/events/event.entity";

/** An EventRecord as the database gives it back: these columns, no constructor. */
function loaded(groupId: string | null, seq: number | null, storedData: Record<string, unknown>): EventRecord {
  return Object.assign(Object.create(EventRecord.prototype) as EventRecord, { rowId: "e", tenantId: "t", type: "member.joined", groupId, seq, storedData, createdAt: 1 });
}

describe("an event's data, stored and read", () => {
  const group = "01a230c0-ac77-70dd-98f5-bdfee47c0155";
  const joined = { groupId: toGlobalId("Group", group), seq: 7, actorId: "VXNlcjox", userId: "VXNlcjox", source: "GROUP_CODE", joinSource: { kind: "GROUP_CODE", codeId: null } };

  it("a group history event is stored without the groupId and seq its columns hold, and reads back byte for byte", () => {
    const stored = storedEventData(joined, group, 7);
    assert.deepEqual(Object.keys(stored), ["actorId", "userId", "source", "joinSource"]);
    const read = loaded(group, 7, JSON.parse(JSON.stringify(stored))).data;
    assert.equal(JSON.stringify(read), JSON.stringify(joined));
  });

  it("an event without a seq is stored as recorded and read as stored", () => {
    const cases: Array<[Record<string, unknown>, string | null]> = [
      [{ invitationId: "SW52aXRhdGlvbjox", groupId: toGlobalId("Group", group), seq: 3 }, group], // a group's event that is not of its history (an invitation's)
      [{ name: "x" }, null],
    ];
    for (const [data, groupId] of cases) {
      const stored = storedEventData(data, groupId, null);
      assert.equal(stored, data, JSON.stringify(data));
      assert.equal(JSON.stringify(loaded(groupId, null, JSON.parse(JSON.stringify(stored))).data), JSON.stringify(data));
    }
  });

  it("an event with a seq whose data does not begin with its groupId and seq is refused, not stored in a form that would read differently", () => {
    const cases: Array<[Record<string, unknown>, string | null]> = [
      [{ ...joined, seq: 8 }, group], // another seq
      [{ ...joined, groupId: toGlobalId("Group", "another") }, group], // another group
      [joined, null], // no group
      [{ seq: 7, groupId: toGlobalId("Group", group), text: "order" }, group], // not leading, in that order
      [{ groupId: toGlobalId("Group", group), text: "no seq" }, group],
      [{}, group],
    ];
    for (const [data, groupId] of cases) assert.throws(() => storedEventData(data, groupId, 7), /must be of its group's history/, JSON.stringify(data));
  });

  it("rows written whole before the stored form existed read as they are", () => {
    assert.equal(JSON.stringify(loaded(group, 7, JSON.parse(JSON.stringify(joined))).data), JSON.stringify(joined));
  });
});
