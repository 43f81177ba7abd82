import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { QueryRunner } from "typeorm";
import { type Database, isDuplicateKey, isRetryable } from "./database";
import { affectedRows } from "./query";

/** How long a lease lasts unless renewed; a crashed holder's lease is taken over after this. */
const LEASE_MS = 60_000;
const RENEW_EVERY_MS = 15_000;
const WAIT_MS = 180_000;

/**
 * Applies pending migrations. On MySQL, instances that start together take turns through a lease
 * row, so each migration runs exactly once. A row (not GET_LOCK) because a named lock is local
 * to one server: on Galera, two instances on two nodes would both hold it. The row's insert is
 * certified cluster-wide like any write, so exactly one instance wins it.
 */
export async function runMigrations(db: Database, log: Logger): Promise<string[]> {
  const ds = db.dataSource;
  if (db.engine === "sqlite") return (await ds.runMigrations({ transaction: "each" })).map((m) => m.name);
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    const lease = await MigrationLease.acquire(runner, log);
    try {
      const applied = await ds.runMigrations({ transaction: "each" });
      for (const migration of applied) log.info({ migration: migration.name }, "migration applied");
      return applied.map((m) => m.name);
    } finally {
      await lease.release();
    }
  } finally {
    await runner.release();
  }
}

class MigrationLease {
  private renewal: NodeJS.Timeout | undefined;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly holder: string,
  ) {}

  static async acquire(runner: QueryRunner, log: Logger): Promise<MigrationLease> {
    // Outside the migrations: it must exist before the first one runs. DDL replicates on Galera
    // (total order isolation), and IF NOT EXISTS makes concurrent starts harmless.
    await runner.query(
      "CREATE TABLE IF NOT EXISTS schema_migration_lease (id INT NOT NULL PRIMARY KEY, holder VARCHAR(128) NOT NULL, expires_at BIGINT NOT NULL) ENGINE=InnoDB",
    );
    const holder = `${hostname()}:${process.pid}:${randomUUID()}`.slice(0, 128);
    const deadline = Date.now() + WAIT_MS;
    let waiting = false;
    while (Date.now() < deadline) {
      if (await MigrationLease.tryTake(runner, holder)) {
        const lease = new MigrationLease(runner, holder);
        lease.renewal = setInterval(() => {
          runner.query("UPDATE schema_migration_lease SET expires_at = ? WHERE id = 1 AND holder = ?", [Date.now() + LEASE_MS, holder]).catch(() => {});
        }, RENEW_EVERY_MS);
        lease.renewal.unref();
        return lease;
      }
      if (!waiting) log.info("another instance is migrating: waiting for its lease");
      waiting = true;
      await sleep(200 + Math.random() * 300);
    }
    throw new Error("Timed out waiting for the migration lease (schema_migration_lease)");
  }

  /** One attempt: insert the lease row, or take it over once its holder let it expire. */
  private static async tryTake(runner: QueryRunner, holder: string): Promise<boolean> {
    const now = Date.now();
    try {
      await runner.query("INSERT INTO schema_migration_lease (id, holder, expires_at) VALUES (1, ?, ?)", [holder, now + LEASE_MS]);
      return true;
    } catch (error) {
      // Duplicate key: someone holds it. Deadlock: Galera certified a concurrent insert first.
      if (!isDuplicateKey(error) && !isRetryable(error)) throw error;
    }
    try {
      const result = await runner.query("UPDATE schema_migration_lease SET holder = ?, expires_at = ? WHERE id = 1 AND expires_at < ?", [holder, now + LEASE_MS, now]);
      return affectedRows(result) === 1;
    } catch (error) {
      if (isRetryable(error)) return false;
      throw error;
    }
  }

  async release(): Promise<void> {
    clearInterval(this.renewal);
    await this.runner.query("DELETE FROM schema_migration_lease WHERE id = 1 AND holder = ?", [this.holder]);
  }
}
