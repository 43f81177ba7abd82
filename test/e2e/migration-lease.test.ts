import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createConnection } from "mysql2/promise";
import { MIGRATIONS } from "../../migrations";
import { type ApiProcess, startApiProcess } from "../support/processes";
import { engine, freshDatabaseUrl } from "../support/server";

const TOKEN = "gpadmin_test_migration_lease_0123456789";

async function sqlOn(url: string, statements: Array<[string, unknown[]?]>): Promise<any[]> {
  const u = new URL(url);
  const connection = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  try {
    const results = [];
    for (const [sql, params] of statements) results.push((await connection.query(sql, params ?? []))[0]);
    return results;
  } finally {
    await connection.end();
  }
}

describe(`migrations with several instances (${engine})`, { skip: engine !== "mysql" && "one process owns an embedded SQLite file" }, () => {
  const started: ApiProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  const fresh = () => {
    const database = freshDatabaseUrl();
    drops.push(database.drop);
    return { url: database.url, name: new URL(database.url).pathname.slice(1) };
  };
  const start = async (url: string) => {
    const instance = await startApiProcess({ DATABASE_URL: url, PLATFORM_ADMIN_TOKEN: TOKEN, RATE_LIMIT: "off", DB_POOL_SIZE: "4" });
    started.push(instance);
    return instance;
  };
  const assertMigratedOnce = async (url: string, name: string) => {
    const [rows, lease] = await sqlOn(url, [[`SELECT name FROM \`${name}\`.migrations`], [`SELECT * FROM \`${name}\`.schema_migration_lease`]]);
    assert.deepEqual(rows.map((r: any) => r.name).sort(), MIGRATIONS.map((m) => m.name).sort(), "every migration recorded exactly once");
    assert.deepEqual(lease, [], "the lease is released");
  };

  after(async () => {
    await Promise.all(started.map((i) => i.stop()));
    for (const drop of drops) await drop();
  });

  it("three instances started together on an empty database migrate it once", { timeout: 600_000 }, async () => {
    const { url, name } = fresh();
    const instances = await Promise.all([start(url), start(url), start(url)]);
    for (const instance of instances) assert.equal((await fetch(`${instance.base}/healthz`)).status, 200);
    await assertMigratedOnce(url, name);
  });

  it("a lease left behind by a crashed instance is taken over once it expires", { timeout: 600_000 }, async () => {
    const { url, name } = fresh();
    await sqlOn(url, [
      [`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`],
      [`CREATE TABLE \`${name}\`.schema_migration_lease (id INT NOT NULL PRIMARY KEY, holder VARCHAR(128) NOT NULL, expires_at BIGINT NOT NULL)`],
      [`INSERT INTO \`${name}\`.schema_migration_lease VALUES (1, 'crashed-instance', ?)`, [Date.now() + 2500]],
    ]);
    const began = Date.now();
    await start(url);
    assert.ok(Date.now() - began >= 2000, "it waited for the live lease to run out");
    await assertMigratedOnce(url, name);
  });
});
