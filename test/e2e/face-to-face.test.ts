import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { distanceMetres } from "../../src/modules/code/distance";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { codes } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";
import { EnterSessionDocument, FaceToFaceRiskEventsDocument, JoinSessionGroupDocument, SessionNodeDocument } from "../generated/graphql";

const ENTER = EnterSessionDocument;
const JOIN = JoinSessionGroupDocument;

// Shanghai, People's Square, and points about 300 m and 5 km away.
const HERE = { latitude: 31.2304, longitude: 121.4737 };
const NEAR = { latitude: 31.2331, longitude: 121.4737 };
const FAR = { latitude: 31.2754, longitude: 121.4737 };

describe("face-to-face groups", () => {
  const clock = new ManualClock(Date.parse("2026-07-01T09:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer({ clock });
    [a, b] = await twoTenants(server, { users: 8, allContacts: false });
  });
  after(() => server.close());

  const enter = async (user: FixtureUser, digits: string, where = HERE) => dataOf(await server.gql(ENTER, { input: { digits, ...where } }, user.token)).enterFaceToFace;
  const joinGroup = async (user: FixtureUser, sessionId: string) => dataOf(await server.gql(JOIN, { input: { sessionId } }, user.token)).joinFaceToFaceGroup;

  it("measures distance on the sphere", () => {
    assert.ok(Math.abs(distanceMetres(HERE.latitude, HERE.longitude, NEAR.latitude, NEAR.longitude) - 300) < 10);
    assert.ok(distanceMetres(HERE.latitude, HERE.longitude, FAR.latitude, FAR.longitude) > 4900);
  });

  it("people within 1 km entering the same digits share a session; others do not", async () => {
    const [u1, u2, u3, u4] = a.users;
    const s1 = ok(await enter(u1, "4321")).session!;
    const s2 = ok(await enter(u2, "4321", NEAR)).session!;
    assert.equal(s2.id, s1.id);
    assert.deepEqual(s2.participants.map((p) => p.id), [u1.id, u2.id]);
    assert.equal(s2.expiresAt, new Date(clock.now() + 10 * 60_000).toISOString());
    assert.notEqual(ok(await enter(u3, "4321", FAR)).session!.id, s1.id, "5 km away is another session");
    assert.notEqual(ok(await enter(u4, "4322")).session!.id, s1.id, "other digits, another session");
    // Entering again is harmless.
    assert.deepEqual(ok(await enter(u1, "4321")).session!.participants.map((p) => p.id), [u1.id, u2.id]);
    // Another tenant's users never meet this tenant's.
    assert.notEqual(ok(await enter(b.users[0], "4321")).session!.id, s1.id);
  });

  it("the first to join creates and owns the group, later participants join it", async () => {
    const [, , , , u5, u6, u7] = a.users;
    const session = ok(await enter(u5, "7777")).session!;
    ok(await enter(u6, "7777", NEAR));
    const first = ok(await joinGroup(u6, session.id));
    assert.equal(first.member!.role, "OWNER");
    assert.equal(first.group!.owner!.id, u6.id);
    assert.equal(first.member!.joinSource.kind, "FACE_TO_FACE");
    const second = ok(await joinGroup(u5, session.id));
    assert.equal(second.group!.id, first.group!.id);
    assert.equal(second.member!.role, "MEMBER");
    assert.equal(second.group!.memberCount, 2);
    // Joining twice returns the membership.
    assert.equal(ok(await joinGroup(u5, session.id)).group!.memberCount, 2);
    // Someone who did not enter the digits cannot join.
    assert.deepEqual(codes(await joinGroup(u7, session.id)), ["NOT_FOUND"]);
    assert.deepEqual(codes(await joinGroup(b.users[1], session.id)), ["NOT_FOUND"]);
    const seen = dataOf(await server.gql(SessionNodeDocument, { id: session.id }, u5.token)).node!;
    assert.equal(seen.group!.id, first.group!.id);
  });

  it("after ten minutes the session answers CODE_EXPIRED and the digits open a new session", async () => {
    const [u1, u2] = a.users;
    const session = ok(await enter(u1, "2468")).session!;
    clock.advance(10 * 60_000);
    const before = await snapshot(server);
    assert.deepEqual(codes(await joinGroup(u1, session.id)), ["CODE_EXPIRED"]);
    assert.deepEqual(await snapshot(server), before);
    assert.notEqual(ok(await enter(u2, "2468")).session!.id, session.id);
  });

  it("accepts exactly four ASCII digits and real coordinates", async () => {
    const [u1] = a.users;
    const before = await snapshot(server);
    for (const [digits, where, field] of [
      ["123", HERE, "digits"],
      ["12345", HERE, "digits"],
      ["１２３４", HERE, "digits"],
      ["١٢٣٤", HERE, "digits"],
      ["12a4", HERE, "digits"],
      ["1234", { latitude: 91, longitude: 0 }, "latitude"],
      ["1234", { latitude: 0, longitude: -180.5 }, "longitude"],
    ] as const) {
      const payload = await enter(u1, digits, where);
      assert.deepEqual(payload.userErrors.map((e) => [e.code, e.field]), [["INVALID_INPUT", ["input", field]]], digits);
    }
    assert.deepEqual(await snapshot(server), before);
  });

  it("rate-limits guessing: more than 10 entries in 10 minutes is RATE_LIMITED, with one risk event", async () => {
    clock.advance(11 * 60_000);
    const guesser = a.users[7];
    for (let i = 0; i < 10; i++) ok(await enter(guesser, String(1000 + i)));
    for (let i = 0; i < 3; i++) assert.deepEqual(codes(await enter(guesser, "9999")), ["RATE_LIMITED"]);
    const events = dataOf(await server.gql(FaceToFaceRiskEventsDocument, {}, a.apiKey)).riskEvents.edges;
    assert.deepEqual(events.filter((e) => e.node.kind === "FACE_TO_FACE_ABUSE").map((e) => e.node.user!.id), [guesser.id]);
    clock.advance(10 * 60_000 + 1);
    ok(await enter(guesser, "9999"));
  });

  it("CODE_TYPE_NOT_ALLOWED where the plan leaves face-to-face out", async () => {
    const t = await createTenant(server, { users: 1, policyOverrides: { codeTypes: ["PERMANENT", "TEMPORARY"] } });
    assert.deepEqual(codes(await enter(t.users[0], "1234")), ["CODE_TYPE_NOT_ALLOWED"]);
  });
});
