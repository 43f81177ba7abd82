import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import mysql from "mysql2";
import { Database, deferWrite } from "../../src/db/database";
import { dataSourceOptions, ensureDatabase, parseDatabaseUrl } from "../../src/db/datasource";
import { runMigrations } from "../../src/db/migrate";
import { mysqlLiteral } from "../../src/db/literal";
import { findOneRow, findRows, insertRows, insertStatement } from "../../src/db/query";
import { createLogger } from "../../src/logger";
import { FaceToFaceSession, GroupCode, LiveCode } from "../../src/modules/code/code.entities";
import { EventRecord } from "../../src/modules/events/event.entity";
import { GroupLogEntry } from "../../src/modules/group/group-log.entity";
import { Group } from "../../src/modules/group/group.entity";
import { Member } from "../../src/modules/group/member.entity";
import { WebhookDelivery, WebhookEndpoint } from "../../src/modules/webhooks/webhook.entities";
import { engine, freshDatabaseUrl } from "../support/server";

type Write = (em: EntityManager, entity: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]) => Promise<void>;

/** What insertRows did before: TypeORM's InsertQueryBuilder, 200 rows per statement, through deferWrite. */
const byBuilder: Write = async (em, entity, rows) => {
  for (let i = 0; i < rows.length; i += 200) {
    await deferWrite(em, em.createQueryBuilder().insert().into(entity).values(rows.slice(i, i + 200)).updateEntity(false).getQueryAndParameters());
  }
};
const byInsertRows: Write = (em, entity, rows) => insertRows(em, entity, rows);

const A = "tenant-a";
const B = "tenant-b";
const text = `it's "quoted" \\ back, a ? and :value, DEFAULT, NULL, 0, 😀 中文`;

/**
 * Rows of every entity insertRows writes in src/ (history entries, members, events, webhook
 * deliveries) and of a few more with other column kinds (booleans with defaults, JSON arrays,
 * doubles). Rows of one statement give different keys: an absent key is the column's DEFAULT on
 * MySQL and the entity's default, else NULL, on SQLite; explicit nulls are nulls.
 */
const cases: Array<{ name: string; entity: EntityTarget<ObjectLiteral>; rows: (em: EntityManager) => ObjectLiteral[] }> = [
  {
    name: "GroupLogEntry (simple-json, nullable, a defaulted int)",
    entity: GroupLogEntry,
    rows: (em) => [
      em.create(GroupLogEntry, {
        rowId: "log-1",
        tenantId: A,
        groupId: "g-1",
        seq: 1,
        kind: "MEMBER_JOINED",
        actorId: "u-1",
        subjectId: "u-2",
        text,
        status: "VISIBLE",
        data: { source: "CODE", n: 2 ** 40, ok: true, none: null, text },
        createdAt: 1_764_000_000_123,
        leafHash: "a".repeat(64),
        rootHash: "b".repeat(64),
        signature: "c".repeat(100),
        keyId: "k1",
        headVersion: 2,
      }),
      { rowId: "log-2", tenantId: A, groupId: "g-1", seq: 2, kind: "MESSAGE", actorId: null, subjectId: null, text: null, status: "HIDDEN", data: null, createdAt: 0 },
      { rowId: "log-3", tenantId: B, groupId: "g-2", seq: 2_147_483_647, kind: "MESSAGE", status: "VISIBLE", data: {}, createdAt: 9_007_199_254_740_991, headVersion: 1 },
    ],
  },
  {
    name: "Member (booleans, bigint transformer, nullable instants, a defaulted int)",
    entity: Member,
    rows: (em) => [
      em.create(Member, {
        groupId: "g-1",
        userId: "u-1",
        tenantId: A,
        role: "OWNER" as never,
        joinedAt: 1_764_000_000_000,
        joinSeq: 2 ** 33,
        joinKind: "CODE" as never,
        inviterId: null,
        codeId: "code-1",
        liveCodeId: null,
        joinState: "NY",
        mutedNotifications: false,
        mutedUntil: null,
        clearedThroughSeq: 0,
      }),
      { groupId: "g-1", userId: "u-2", tenantId: A, role: "MEMBER", joinedAt: 1, joinSeq: 1, joinKind: "INVITATION", mutedNotifications: true, mutedUntil: 1_900_000_000_000, clearedThroughSeq: 7 },
      { groupId: "g-2", userId: "u-1", tenantId: B, role: "MEMBER", joinedAt: 2, joinSeq: 3, joinKind: "DIRECT", inviterId: "u-9", mutedNotifications: false },
    ],
  },
  {
    name: "EventRecord (simple-json, nullable)",
    entity: EventRecord,
    rows: (em) => [
      em.create(EventRecord, { rowId: "ev-1", tenantId: A, type: "member.joined", groupId: "g-1", seq: 1, storedData: { groupId: "R3JvdXA6MQ==", list: [1, "two", null, { deep: [text] }] }, createdAt: 5 }),
      { rowId: "ev-2", tenantId: A, type: "group.created", groupId: null, seq: null, storedData: {}, createdAt: 6 },
      { rowId: "ev-3", tenantId: B, type: "tenant.updated", storedData: { text }, createdAt: 7 },
    ],
  },
  {
    name: "WebhookDelivery (450 rows: three statements)",
    entity: WebhookDelivery,
    rows: () =>
      Array.from({ length: 450 }, (_, i) => ({
        rowId: `wd-${String(i).padStart(4, "0")}`,
        tenantId: i % 2 ? A : B,
        endpointId: `ep-${i % 3}`,
        eventRowId: `ev-${i}`,
        eventType: "member.joined",
        status: "PENDING",
        attempts: i % 5,
        nextAttemptAt: 1_764_000_000_000 + i,
        retryingSince: 1_764_000_000_000,
        createdAt: 1_764_000_000_000 - i,
        ...(i % 3 === 0
          ? { leaseUntil: null, leaseToken: null, lastResponseStatus: null, lastError: null, lastAttemptAt: null }
          : i % 3 === 1
            ? { leaseUntil: 1_764_000_060_000, leaseToken: `lease-${i}`, lastResponseStatus: 503, lastError: text, lastAttemptAt: 1_764_000_000_500 }
            : {}),
      })),
  },
  {
    name: "Group (booleans with database and entity defaults, nullable text)",
    entity: Group,
    rows: () => [
      {
        rowId: "grp-1",
        tenantId: A,
        name: text.slice(0, 100),
        category: "GENERAL",
        minorProtection: true,
        status: "ACTIVE",
        ownerId: "u-1",
        createdBy: "u-1",
        parentId: null,
        memberCount: 3,
        logSize: 4,
        createdAt: 1,
        updatedAt: 2,
        dissolvedAt: null,
        joinApproval: true,
        muteAll: false,
        welcomeMessage: text,
        announcementEntryId: null,
        merkleFrontier: "[]",
      },
      { rowId: "grp-2", tenantId: B, name: "b", category: "WORK", minorProtection: false, status: "ACTIVE", createdBy: "u-2", memberCount: 0, logSize: 0, createdAt: 3, updatedAt: 3 },
    ],
  },
  {
    name: "LiveCode (a simple-json array, nullable)",
    entity: LiveCode,
    rows: () => [
      { rowId: "lc-1", tenantId: A, name: "n", token: "t1", perGroupCap: 500, autoCreateGroups: true, baseName: "base", expiresAt: 10, welcomeMessage: text, state: "CA", tagList: ["vip", text], storedStatus: "ACTIVE", createdBy: "u-1", joinCount: 0, groupsCreated: 1, createdAt: 1, updatedAt: 1 },
      { rowId: "lc-2", tenantId: B, name: "m", token: "t2", perGroupCap: 2, autoCreateGroups: false, tagList: null, storedStatus: "DISABLED", createdBy: "u-2", joinCount: 5, groupsCreated: 0, createdAt: 2, updatedAt: 2 },
      { rowId: "lc-3", tenantId: B, name: "o", token: "t3", perGroupCap: 2, autoCreateGroups: false, tagList: [], storedStatus: "ACTIVE", createdBy: "u-2", joinCount: 0, groupsCreated: 0, createdAt: 3, updatedAt: 3 },
    ],
  },
  {
    name: "FaceToFaceSession (doubles)",
    entity: FaceToFaceSession,
    rows: () => [
      { rowId: "f-1", tenantId: A, digits: "1234", latitude: 52.520008, longitude: -13.404954, groupId: null, createdAt: 1, expiresAt: 2 },
      { rowId: "f-2", tenantId: B, digits: "0000", latitude: 0.1 + 0.2, longitude: 1e-7, createdAt: 1, expiresAt: 2 },
      { rowId: "f-3", tenantId: B, digits: "9999", latitude: -90, longitude: 180, groupId: "g-3", createdAt: 1, expiresAt: 2 },
    ],
  },
];

describe(`insertRows (${engine})`, () => {
  let dataSource: DataSource;
  let db: Database;
  let drop: () => Promise<void>;

  before(async () => {
    const fresh = freshDatabaseUrl();
    drop = fresh.drop;
    const target = parseDatabaseUrl(fresh.url);
    const server = await ensureDatabase(target);
    dataSource = new DataSource(dataSourceOptions(target, { size: 2 }));
    await dataSource.initialize();
    // With compound statements (MariaDB) the inserts wait and go with the COMMIT, as in production.
    db = new Database(dataSource, undefined, { compoundStatements: server.compoundStatements });
    await runMigrations(db, createLogger("silent"));
  });
  after(async () => {
    await dataSource?.destroy();
    await drop?.();
  });

  /** Writes `rows` in one transaction, reads them back (TypeORM's find and the raw rows), and empties the table again. */
  async function written(entity: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[], write: Write): Promise<{ found: ObjectLiteral[]; raw: unknown[] } | { refused: string }> {
    const metadata = dataSource.getMetadata(entity);
    const table = dataSource.driver.escape(metadata.tableName);
    const keys = metadata.primaryColumns;
    try {
      await db.tx((em) => write(em, entity, rows));
    } catch (error) {
      await dataSource.query(`DELETE FROM ${table}`);
      return { refused: (error as { driverError?: { code?: string } }).driverError?.code ?? String(error) };
    }
    const found = await dataSource.getRepository(entity).find({ order: Object.fromEntries(keys.map((c) => [c.propertyName, "ASC"])) });
    const raw: unknown[] = await dataSource.query(`SELECT * FROM ${table} ORDER BY ${keys.map((c) => dataSource.driver.escape(c.databaseName)).join(", ")}`);
    await dataSource.query(`DELETE FROM ${table}`);
    return { found, raw };
  }

  for (const { name, entity, rows } of cases) {
    it(`${name}: the same statement as TypeORM's InsertQueryBuilder`, () => {
      const values = rows(dataSource.manager);
      for (let i = 0; i < values.length; i += 200) {
        const chunk = values.slice(i, i + 200);
        const expected = dataSource.createQueryBuilder().insert().into(entity).values(chunk).updateEntity(false).getQueryAndParameters();
        const ours = insertStatement(dataSource, entity, chunk);
        if (engine === "sqlite") {
          assert.deepEqual(ours, expected);
        } else {
          // MySQL: values are written into the SQL (db/literal.ts); the statement the server gets is the same.
          assert.equal(mysql.format(ours[0], ours[1] as never[]), mysql.format(expected[0], expected[1] as never[]));
        }
      }
    });

    it(`${name}: rows read back as TypeORM's InsertQueryBuilder wrote them`, async () => {
      const values = rows(dataSource.manager);
      const theirs = await written(entity, values, byBuilder);
      const ours = await written(entity, rows(dataSource.manager), byInsertRows);
      assert.ok("found" in theirs, `TypeORM's builder wrote the rows (${JSON.stringify(theirs)})`);
      assert.equal(theirs.found.length, values.length);
      assert.deepEqual(ours, theirs);
    });
  }

  it("a missing key reads back as the column's default, an explicit null as null", async () => {
    const history = await written(GroupLogEntry, cases[0]!.rows(dataSource.manager), byInsertRows);
    assert.ok("found" in history);
    const [full, nulls, missing] = history.found as GroupLogEntry[];
    assert.deepEqual([full!.headVersion, nulls!.headVersion, missing!.headVersion], [2, 1, 1]);
    assert.deepEqual([nulls!.actorId, nulls!.data, missing!.actorId, missing!.leafHash], [null, null, null, null]);
    assert.deepEqual(missing!.data, {});
    assert.equal(full!.text, text);
    assert.deepEqual(full!.data, { source: "CODE", n: 2 ** 40, ok: true, none: null, text });

    const members = await written(Member, cases[1]!.rows(dataSource.manager), byInsertRows);
    assert.ok("found" in members);
    assert.deepEqual(
      (members.found as Member[]).map((m) => [m.joinSeq, m.mutedNotifications, m.mutedUntil, m.clearedThroughSeq, m.inviterId]),
      [
        [2 ** 33, false, null, 0, null],
        [1, true, 1_900_000_000_000, 7, null],
        [3, false, null, 0, "u-9"],
      ],
    );
  });

  it("a missing key of a NOT NULL column without an entity default fails or not as it does with TypeORM's builder", async () => {
    // live_codes.auto_create_groups has a database default (false) but none on the entity: MySQL
    // writes DEFAULT, SQLite writes NULL, which its NOT NULL refuses.
    const row = { rowId: "lc-9", tenantId: A, name: "n", token: "t9", perGroupCap: 1, storedStatus: "ACTIVE", createdBy: "u", joinCount: 0, groupsCreated: 0, createdAt: 1, updatedAt: 1 };
    const theirs = await written(LiveCode, [row], byBuilder);
    const ours = await written(LiveCode, [row], byInsertRows);
    assert.deepEqual(ours, theirs);
    if (engine === "mysql") {
      assert.ok("found" in ours);
      assert.equal(ours.found[0]?.autoCreateGroups, false);
    } else {
      assert.deepEqual(ours, { refused: "SQLITE_CONSTRAINT_NOTNULL" });
    }
  });

  it("mysqlLiteral: the server reads each value back as it was; driver-only values are left to placeholders", { skip: engine !== "mysql" }, async () => {
    const values = [
      text,
      JSON.stringify({ a: "b", quoted: 'say "hi"', n: [1, 2] }),
      '"double" only',
      "",
      "tab\there, line\nbreak, cr\r, nul\0, ctrl-z\x1a, backspace\b",
      "back\\slash",
      "trailing backslash \\",
      "it''s",
      "😀 中文 ñ",
      "?? and ? and :named",
      "-- not a comment",
    ];
    for (const value of values) {
      const literal = mysqlLiteral(value)!;
      const [row] = await dataSource.query(`SELECT ${literal} AS v`);
      assert.equal(row.v, value, literal);
      // Where mysql2 would write the same text (nothing it escapes), the literal is its text.
      if (!/[\0\b\t\n\r\x1a'"\\]/.test(value)) assert.equal(literal, mysql.escape(value));
    }
    for (const value of [0, -1.5, 2 ** 53 - 1, true, false, null, undefined]) {
      const literal = mysqlLiteral(value)!;
      assert.equal(literal, value === undefined ? "NULL" : mysql.escape(value), String(value));
    }
    assert.equal(mysqlLiteral(new Date(0)), undefined);
    assert.equal(mysqlLiteral(Buffer.from("x")), undefined);
    assert.equal(mysqlLiteral({ a: 1 }), undefined);
  });

  it("a value given as an SQL expression is refused, before anything is sent", async () => {
    const row = { ...cases[0]!.rows(dataSource.manager)[1], seq: () => "seq + 1" };
    await assert.rejects(
      db.tx((em) => insertRows(em, GroupLogEntry, [row])),
      /insertRows writes values, not SQL expressions \(GroupLogEntry\.seq\)/,
    );
    assert.deepEqual(await dataSource.query("SELECT id FROM group_log"), []);
  });
  it("findOneRow reads the row findOneBy reads, by any condition, locked or not, and null when there is none", async () => {
    const codes: ObjectLiteral[] = [
      { rowId: "code-1", tenantId: A, groupId: "g-1", type: "PERMANENT", token: "tok-1", state: null, maxUses: null, uses: 0, expiresAt: null, revokedAt: null, createdBy: "u-1", createdAt: 1 },
      { rowId: "code-2", tenantId: B, groupId: "g-2", type: "TEMPORARY", token: "tok-2", state: "CA", maxUses: 5, uses: 2, expiresAt: 9_007_199_254_740_991, revokedAt: 3, createdBy: null, createdAt: 2 },
    ];
    const all: Array<{ entity: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] }> = [...cases.map((c) => ({ entity: c.entity, rows: c.rows(dataSource.manager) })), { entity: GroupCode, rows: codes }];
    let compared = 0;
    for (const { entity, rows } of all) {
      const metadata = dataSource.getMetadata(entity);
      await db.tx((em) => insertRows(em, entity, rows));
      for (const row of await dataSource.getRepository(entity).find()) {
        const key = Object.fromEntries(metadata.primaryColumns.map((c) => [c.propertyName, c.getEntityValue(row)]));
        const expected = await dataSource.manager.findOneBy(entity, key);
        assert.deepEqual(await findOneRow(dataSource.manager, entity, key), expected, `${metadata.name} ${JSON.stringify(key)}`);
        assert.deepEqual(await db.tx((em) => findOneRow(em, entity, key, { lock: true })), expected, `${metadata.name} ${JSON.stringify(key)}, locked`);
        compared++;
      }
      await dataSource.query(`DELETE FROM ${dataSource.driver.escape(metadata.tableName)}`);
    }
    assert.ok(compared > 10);
    await db.tx((em) => insertRows(em, GroupCode, codes));
    const byToken = await findOneRow(dataSource.manager, GroupCode, { token: "tok-2", tenantId: B });
    assert.ok(byToken instanceof GroupCode);
    assert.deepEqual(byToken, await dataSource.manager.findOneBy(GroupCode, { token: "tok-2", tenantId: B }));
    assert.equal(await findOneRow(dataSource.manager, GroupCode, { token: "tok-2", tenantId: A }), null, "another tenant's code is not found");
    assert.equal(await findOneRow(dataSource.manager, GroupCode, { token: "it's \\ ?" }), null);
    await assert.rejects(findOneRow(dataSource.manager, GroupCode, { nope: 1 }), /GroupCode has no column property nope/);
    await assert.rejects(findOneRow(dataSource.manager, GroupCode, { tenantId: A, revokedAt: null }), /findRows compares GroupCode\.revokedAt with =, not with null/);
    await dataSource.query("DELETE FROM group_codes");
  });
  it("findRows with a column list reads what find with that select reads", async () => {
    const endpoint = (rowId: string, tenantId: string, enabled: boolean, eventTypes: string[]) => ({ rowId, tenantId, url: "https://x.example/h", description: text, eventTypes, enabled, secret: "whsec_x", createdAt: 1, updatedAt: 2 });
    const endpoints = [endpoint("ep-1", A, true, ["member.joined", text]), endpoint("ep-2", A, false, []), endpoint("ep-3", A, true, []), endpoint("ep-4", B, true, ["message.created"])];
    await db.tx((em) => insertRows(em, WebhookEndpoint, endpoints));
    for (const [tenantId, enabled] of [[A, true], [A, false], [B, true], [B, false]] as const) {
      const select = { rowId: true, tenantId: true, eventTypes: true } as const;
      const expected = await dataSource.manager.find(WebhookEndpoint, { select, where: { tenantId, enabled }, order: { rowId: "ASC" } });
      const found = await db.tx((em) => findRows(em, WebhookEndpoint, { tenantId, enabled }, { properties: ["rowId", "tenantId", "eventTypes"] }));
      assert.deepEqual(found.sort((x, y) => x.rowId.localeCompare(y.rowId)), expected, `${tenantId} enabled=${enabled}`);
    }
    assert.equal((await findRows(dataSource.manager, WebhookEndpoint, { tenantId: A, enabled: true })).length, 2);
    await dataSource.query("DELETE FROM webhook_endpoints");
  });
});
