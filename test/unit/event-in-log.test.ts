import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupLogEntry } from "../../src/modules/group/group-log.entity";
import { Group } from "../../src/modules/group/group.entity";
import { eventOfEntry, groupLogEvents, IN_LOG_EVENT_TYPE } from "../../src/modules/group/group-events";
import { GroupEventKind } from "../../src/modules/group/group.enums";

const TENANT = "01a230c0-0000-70dd-98f5-000000000001";
const GROUP = "01a230c0-0000-70dd-98f5-000000000002";

function entry(seq: number, kind: string, actorId: string | null, subjectId: string | null, data: GroupLogEntry["data"], text: string | null = null): GroupLogEntry {
  return Object.assign(new GroupLogEntry(), { rowId: `01a230c0-0000-70dd-98f5-0000000001${String(seq).padStart(2, "0")}`, tenantId: TENANT, groupId: GROUP, seq, kind, actorId, subjectId, text, status: "VISIBLE", data, createdAt: 1_700_000_000_000 + seq, eventType: null, eventExtra: null });
}

/** The entry as the database gives it back: its columns through JSON, no constructor. */
function reloaded(written: GroupLogEntry): GroupLogEntry {
  return Object.assign(Object.create(GroupLogEntry.prototype) as GroupLogEntry, JSON.parse(JSON.stringify(written)));
}

describe("a join's event kept on its history entry", () => {
  const group = Object.assign(new Group(), { rowId: GROUP, tenantId: TENANT });
  const u = (n: number) => `01a230c0-0000-70dd-98f5-0000000000${String(n).padStart(2, "0")}`;
  const entries = [
    entry(1, GroupEventKind.GROUP_CREATED, u(1), null, { memberCount: 3 }, "Hikers"),
    entry(2, GroupEventKind.MEMBER_JOINED, u(1), u(1), { source: "CREATOR", role: "OWNER" }),
    entry(3, GroupEventKind.MEMBER_JOINED, u(1), u(2), { source: "DIRECT_ADD", role: "MEMBER" }),
    entry(4, GroupEventKind.MEMBER_JOINED, u(3), u(3), { source: "GROUP_CODE", role: "MEMBER", state: "poster-7" }),
    entry(5, GroupEventKind.MEMBER_LEFT, u(3), u(3), { role: "MEMBER" }),
  ];
  const extras = [
    undefined,
    { joinSource: { kind: "CREATOR", inviterId: null, codeId: null, liveCodeId: null, state: null } },
    { joinSource: { kind: "DIRECT_ADD", inviterId: "VXNlcjox", codeId: null, liveCodeId: null, state: null } },
    { joinSource: { kind: "GROUP_CODE", inviterId: null, codeId: "R3JvdXBDb2RlOjE", liveCodeId: null, state: "poster-7" } },
    undefined,
  ];

  it("is marked on the entry, announced with the entry's id, and read back from the entry as announced, key order included", () => {
    const { events } = groupLogEvents(group, entries, extras);
    assert.deepEqual(events.map((e) => e.type), ["group.created", "member.joined", "member.joined", "member.joined", "member.left"]);
    for (const [i, written] of entries.entries()) {
      const event = events[i];
      if (event.type !== IN_LOG_EVENT_TYPE) {
        assert.equal(written.eventType, null, "other types stay in `events`");
        assert.equal(event.inLog, undefined);
        continue;
      }
      assert.equal(written.eventType, IN_LOG_EVENT_TYPE);
      assert.equal(event.inLog, written.rowId, "the event's id is the entry's");
      const read = eventOfEntry(reloaded(written));
      assert.equal(JSON.stringify(read.data), JSON.stringify(event.data), `seq ${written.seq}`);
      assert.deepEqual({ id: read.rowId, type: read.type, tenantId: read.tenantId, groupId: read.groupId, seq: read.seq, createdAt: read.createdAt }, { id: written.rowId, type: "member.joined", tenantId: TENANT, groupId: GROUP, seq: written.seq, createdAt: written.createdAt });
    }
  });
});
