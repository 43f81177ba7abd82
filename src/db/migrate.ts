import type { Logger } from "pino";
import type { Database } from "./database";

const LOCK_NAME = "group_platform_migrations";

/**
 * Applies pending migrations. On MySQL a named lock makes instances that start together take
 * turns, so each migration runs exactly once.
 */
export async function runMigrations(db: Database, log: Logger): Promise<string[]> {
  const ds = db.dataSource;
  if (db.engine === "sqlite") return (await ds.runMigrations({ transaction: "each" })).map((m) => m.name);
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    const [row] = await runner.query("SELECT GET_LOCK(?, 120) AS acquired", [LOCK_NAME]);
    if (Number(row.acquired) !== 1) throw new Error("Timed out waiting for the migration lock");
    try {
      const applied = await ds.runMigrations({ transaction: "each" });
      for (const migration of applied) log.info({ migration: migration.name }, "migration applied");
      return applied.map((m) => m.name);
    } finally {
      await runner.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]);
    }
  } finally {
    await runner.release();
  }
}
