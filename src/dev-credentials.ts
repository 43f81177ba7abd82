/**
 * Development only: the demo credentials and the generated platform token, kept in a file under
 * ./data/ (owner read/write only) so that a restarted server, `npm run seed` and the API explorer
 * agree on them. Production never reads or writes it.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { AppConfig } from "./config";
import { parseDatabaseUrl } from "./db/datasource";
import type { DemoCredentials } from "./dev-seed";

export interface DevDatabaseState {
  /** The demo tenant's credentials, as last seeded or refreshed. */
  demo?: DemoCredentials;
  /** The development server running on this database, so `npm run seed` prints its real address. */
  server?: { baseUrl: string; pid: number };
}

export interface DevState {
  /** The platform token generated when PLATFORM_ADMIN_TOKEN is unset (reused on the next start). */
  platformAdminToken?: string;
  /** Per database (sqlite path or mysql URL without its password). */
  databases: Record<string, DevDatabaseState>;
}

/** Whether this process may use the file at all: development only, never production or tests. */
export function devStateEnabled(config: AppConfig): boolean {
  return config.env === "development";
}

/** The key under which a database's state is kept: the SQLite file's path, or the MySQL URL without credentials. */
export function databaseKey(config: AppConfig): string {
  const target = parseDatabaseUrl(config.databaseUrl);
  if (target.engine === "sqlite") return `sqlite:${target.path}`;
  const url = new URL(target.url.href);
  url.username = "";
  url.password = "";
  return url.href;
}

export function readDevState(config: AppConfig): DevState {
  if (!devStateEnabled(config)) return { databases: {} };
  try {
    const parsed = JSON.parse(readFileSync(config.devCredentialsFile, "utf8")) as Partial<DevState>;
    return { ...parsed, databases: parsed.databases && typeof parsed.databases === "object" ? parsed.databases : {} };
  } catch {
    return { databases: {} }; // missing or unreadable: start afresh
  }
}

/**
 * Changes the file: read, apply `change`, write atomically (a temporary file renamed over it) with
 * mode 0600 in a directory created with mode 0700. A no-op outside development.
 */
export function updateDevState(config: AppConfig, change: (state: DevState) => void): DevState {
  if (!devStateEnabled(config)) return { databases: {} };
  const state = readDevState(config);
  change(state);
  const file = resolve(config.devCredentialsFile);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return state;
}

/** This database's entry (created when missing). */
export function databaseState(state: DevState, config: AppConfig): DevDatabaseState {
  return (state.databases[databaseKey(config)] ??= {});
}

/** The saved demo credentials for this database, if any. */
export function savedDemo(config: AppConfig): DemoCredentials | undefined {
  return readDevState(config).databases[databaseKey(config)]?.demo;
}

export function saveDemo(config: AppConfig, demo: DemoCredentials): void {
  updateDevState(config, (state) => {
    databaseState(state, config).demo = demo;
  });
}

/** The address of the development server running on this database, if it is still alive. */
export function runningServer(config: AppConfig): { baseUrl: string; pid: number } | undefined {
  const server = readDevState(config).databases[databaseKey(config)]?.server;
  if (!server) return undefined;
  try {
    process.kill(server.pid, 0);
    return server;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? server : undefined; // EPERM: alive, not ours
  }
}

/**
 * In development without PLATFORM_ADMIN_TOKEN: the token generated on the first start, reused on
 * every later one (saved in the file), so the operator's token survives a restart.
 */
export function withSavedPlatformToken(config: AppConfig): AppConfig {
  if (!devStateEnabled(config) || !config.platformAdminTokenGenerated) return config;
  const saved = readDevState(config).platformAdminToken;
  if (typeof saved === "string" && saved.length >= 16) return { ...config, platformAdminToken: saved };
  updateDevState(config, (state) => {
    state.platformAdminToken = config.platformAdminToken;
  });
  return config;
}
