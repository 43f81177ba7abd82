import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EntityManager } from "typeorm";
import { setTimeout as sleep } from "node:timers/promises";
import { afterCommit, type Database, deferWrite, type Read, readTogether } from "../../src/db/database";
import { engine, startTestServer, type TestServer } from "../support/server";

class Refused extends Error {}

/**
 * Deferred writes (db/database.ts deferWrite): on MariaDB they wait for the transaction's next
 * statement or its end and go in one compound statement (with the COMMIT at the end); on SQLite
 * (and MySQL, TiDB) they run at once. Either way a transaction means the same thing. On MariaDB a
 * transaction's START TRANSACTION goes with its first statement, and readTogether sends several
 * reads (with the writes waiting before them) in one round trip.
 */
describe(`deferred writes (${engine})`, () => {
  let server: TestServer;
  let db: Database;
  const rows = async () => (await server.sql("SELECT id, n FROM deferred_probe ORDER BY id")).map((r) => [r.id, Number(r.n)]);
  const insert = (id: string, n: number): [string, unknown[]] => ["INSERT INTO deferred_probe (id, n) VALUES (?, ?)", [id, n]];

  before(async () => {
    server = await startTestServer();
    db = server.server.app.db;
    await server.sql("CREATE TABLE deferred_probe (id VARCHAR(36) PRIMARY KEY, n INT NOT NULL)");
  });
  after(() => server.close());

  it("the transaction's next statement sees them; at the end they commit in one round trip with the COMMIT", async () => {
    await server.sql("DELETE FROM deferred_probe");
    let committed = false;
    const seen = await db.tx(async (em) => {
      await deferWrite(em, insert("a", 1));
      const read = (await em.query("SELECT COUNT(*) AS n FROM deferred_probe")) as Array<{ n: unknown }>;
      await deferWrite(em, insert("b", 2));
      await deferWrite(em, ["UPDATE deferred_probe SET n = n + 10 WHERE id = ?", ["a"]], { rows: 1, refusal: () => new Refused("a is gone") });
      afterCommit(em, () => (committed = true));
      return Number(read[0].n);
    });
    assert.equal(seen, 1, "the read ran after the write before it");
    assert.ok(committed, "after-commit work ran");
    assert.deepEqual(await rows(), [["a", 11], ["b", 2]]);

    // Statements: three writes at the end cost one statement on MariaDB (one each on SQLite).
    const before = db.queries.count;
    await db.tx(async (em) => {
      await em.query("SELECT 1");
    });
    const empty = db.queries.count - before;
    const start = db.queries.count;
    await db.tx(async (em) => {
      await em.query("SELECT 1");
      for (const id of ["c", "d", "e"]) await deferWrite(em, insert(id, 0));
    });
    assert.equal(db.queries.count - start, db.compoundStatements ? empty : empty + 3);
    assert.equal(db.compoundStatements, engine === "mysql", "MariaDB runs compound statements (the suite's MySQL engine is MariaDB)");
  });

  it("a guard that fails rolls back every write of the transaction and throws its refusal; the next transaction is clean", async () => {
    await server.sql("DELETE FROM deferred_probe");
    let committed = false;
    await assert.rejects(
      db.tx(async (em) => {
        await deferWrite(em, insert("x", 1));
        await deferWrite(em, ["UPDATE deferred_probe SET n = n + 1 WHERE id = ?", ["missing"]], { rows: 1, refusal: async () => new Refused("missing is missing") });
        await deferWrite(em, insert("y", 2));
        afterCommit(em, () => (committed = true));
      }),
      Refused,
    );
    assert.deepEqual(await rows(), []);
    assert.equal(committed, false);
    // The pooled connection went back without a transaction open: later work commits and rolls back as usual.
    for (let i = 0; i < 12; i++) {
      await db.tx(async (em) => deferWrite(em, insert(`ok${i}`, i)));
      await assert.rejects(
        db.tx(async (em) => {
          await deferWrite(em, insert(`no${i}`, i));
          throw new Refused("changed my mind");
        }),
        Refused,
      );
    }
    assert.equal((await rows()).length, 12);
    assert.ok((await rows()).every(([id]) => String(id).startsWith("ok")));
  });

  it("a write that fails when sent (a duplicate key) fails the transaction and leaves nothing", async () => {
    await server.sql("DELETE FROM deferred_probe");
    await server.sql("INSERT INTO deferred_probe (id, n) VALUES ('taken', 0)");
    await assert.rejects(
      db.tx(async (em) => {
        await deferWrite(em, insert("new", 1));
        await deferWrite(em, insert("taken", 1));
      }),
    );
    assert.deepEqual(await rows(), [["taken", 0]]);
  });

  const select = (sql: string, params: unknown[] = []): Read<Array<[string, number]>> => ({ sql, params, take: (found) => found.map((r) => [String(r.id), Number(r.n)]) });

  /** Runs `work` in db.tx and returns the statements its transaction's connection sent (the webhook dispatcher's polls are not counted). */
  async function sentBy<T>(work: (em: EntityManager) => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const seen: Array<{ sql: string; runner: unknown }> = [];
    const counter = db.queries;
    const logQuery = counter.logQuery;
    counter.logQuery = (sql?: string, _parameters?: unknown[], runner?: unknown) => {
      seen.push({ sql: String(sql), runner });
      logQuery.call(counter);
    };
    let mine: unknown = null;
    try {
      const result = await db.tx((em) => {
        mine = em.queryRunner;
        return work(em);
      });
      return { result, statements: seen.filter((s) => s.runner === mine).map((s) => s.sql) };
    } finally {
      counter.logQuery = logQuery;
    }
  }

  it("readTogether: the reads see the writes waiting before them and each other's order; on MariaDB all of it, START TRANSACTION included, is one statement", async () => {
    await server.sql("DELETE FROM deferred_probe");
    await server.sql("INSERT INTO deferred_probe (id, n) VALUES ('a', 1)");
    const { result, statements } = await sentBy(async (em) => {
      await deferWrite(em, insert("b", 2));
      await deferWrite(em, ["UPDATE deferred_probe SET n = n + 5 WHERE id = ?", ["a"]], { rows: 1, refusal: () => new Refused("a is gone") });
      return readTogether(em, [
        select("SELECT id, n FROM deferred_probe ORDER BY id"),
        select("SELECT id, n FROM deferred_probe WHERE id = ?", ["missing"]),
        select(`SELECT id, n FROM deferred_probe WHERE id = ?${engine === "mysql" ? " FOR UPDATE" : ""}`, ["b"]),
        null,
      ] as const);
    });
    const [all, nothing, locked, none] = result;
    assert.deepEqual(all, [["a", 6], ["b", 2]]);
    assert.deepEqual(nothing, []);
    assert.deepEqual(locked, [["b", 2]]);
    assert.equal(none, undefined, "a null read is skipped and answers undefined");
    assert.deepEqual(await rows(), [["a", 6], ["b", 2]], "committed");
    // MariaDB: START TRANSACTION, both writes, the guard and the three reads in one statement, then COMMIT.
    if (db.compoundStatements) {
      assert.equal(statements.length, 2, statements.join("\n"));
      assert.match(statements[0], /^BEGIN NOT ATOMIC\nSTART TRANSACTION;\nINSERT .*\nUPDATE .*\nIF ROW_COUNT\(\) <> 1 .*\nSELECT .*\nSELECT .*\nSELECT .* FOR UPDATE;\nEND$/);
      assert.equal(statements[1], "COMMIT");
    }
  });

  it("readTogether's FOR UPDATE holds the row until the transaction ends: a write queued on it runs after the COMMIT", { skip: engine !== "mysql" && "SQLite runs one transaction at a time" }, async () => {
    await server.sql("DELETE FROM deferred_probe");
    await server.sql("INSERT INTO deferred_probe (id, n) VALUES ('a', 1)");
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.tx(async (em) => {
      await readTogether(em, [select("SELECT id, n FROM deferred_probe WHERE id = ? FOR UPDATE", ["a"])]);
      locked();
      await sleep(300);
      await deferWrite(em, ["UPDATE deferred_probe SET n = n + 1 WHERE id = ?", ["a"]]);
    });
    await lockTaken;
    // Multiplies after the holder's +1 only if it waited for the holder's COMMIT: (1 + 1) × 10, not 1 × 10 + 1.
    await db.tx(async (em) => em.query("UPDATE deferred_probe SET n = n * 10 WHERE id = ?", ["a"]));
    await holder;
    assert.deepEqual(await rows(), [["a", 20]]);
  });

  it("a transaction that sends nothing costs nothing, and one that fails before sending anything leaves its connection clean", async () => {
    await server.sql("DELETE FROM deferred_probe");
    const idle = await sentBy(async () => 42);
    assert.equal(idle.result, 42);
    if (db.compoundStatements) assert.deepEqual(idle.statements, [], "no START TRANSACTION, no COMMIT");
    for (let i = 0; i < 12; i++) {
      await assert.rejects(
        db.tx(async () => {
          throw new Refused("before any statement");
        }),
        Refused,
      );
      // Writes only: START TRANSACTION, the write and the COMMIT in one statement on MariaDB.
      const { statements } = await sentBy(async (em) => deferWrite(em, insert(`w${i}`, i)));
      if (db.compoundStatements) assert.equal(statements.length, 1, statements.join("\n"));
    }
    assert.equal((await rows()).length, 12);
    // Every pooled connection is outside a transaction: a write outside db.tx is visible to another connection at once.
    await Promise.all(Array.from({ length: 12 }, (_, i) => db.tx(async (em) => em.query("UPDATE deferred_probe SET n = n + 100 WHERE id = ?", [`w${i}`]))));
    assert.ok((await rows()).every(([, n]) => Number(n) >= 100));
  });
});
