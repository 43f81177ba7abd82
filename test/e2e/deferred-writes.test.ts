import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { afterCommit, type Database, deferWrite } from "../../src/db/database";
import { engine, startTestServer, type TestServer } from "../support/server";

class Refused extends Error {}

/**
 * Deferred writes (db/database.ts deferWrite): on MariaDB they wait for the transaction's next
 * statement or its end and go in one compound statement (with the COMMIT at the end); on SQLite
 * (and MySQL, TiDB) they run at once. Either way a transaction means the same thing.
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
});
