import DataLoader from "dataloader";
import type { Database } from "../db/database";

/** Maps rows back to the requested keys, in order, with null for missing ones. */
export function byKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((key) => map.get(key) ?? null);
}

/** Whom a loader batches for: every batch query carries the caller's tenant. */
export interface LoaderScope {
  db: Database;
  tenantId: string;
  /** The calling user, or null for tenant keys. */
  viewerId: string | null;
  /** The request's other loaders (a loader may prime another). */
  loaders: LoaderCache;
}

/**
 * A kind of per-request DataLoader, defined by the module that owns the rows (e.g. `userById` in
 * modules/user). Its batch function is bound to the caller's tenant, so an id from another tenant
 * loads as null, exactly like an id that does not exist.
 */
export interface LoaderDefinition<K, V> {
  readonly name: string;
  batch(scope: LoaderScope, keys: readonly K[]): Promise<Array<V | null>>;
  /** For object keys: what identifies a key in the request's cache. */
  readonly cacheKey?: (key: K) => unknown;
}

export function defineLoader<K, V>(name: string, batch: LoaderDefinition<K, V>["batch"], cacheKey?: (key: K) => unknown): LoaderDefinition<K, V> {
  return cacheKey ? { name, batch, cacheKey } : { name, batch };
}

/** One request's DataLoaders, created on first use. */
export class LoaderCache {
  private readonly cache = new Map<string, DataLoader<unknown, unknown>>();

  constructor(
    private readonly db: Database,
    private readonly tenantId: string | null,
    private readonly viewerId: string | null,
  ) {}

  /**
   * Forgets every row loaded so far. A subscription is one long operation: it clears its loaders
   * before each event, so no payload is resolved from rows cached for an earlier one.
   */
  clear(): void {
    this.cache.clear();
  }

  /** The request's loader of this kind; `variant` separates loaders of one kind with different parameters. */
  get<K, V>(definition: LoaderDefinition<K, V>, variant = ""): DataLoader<K, V | null> {
    const name = variant ? `${definition.name}:${variant}` : definition.name;
    let loader = this.cache.get(name) as DataLoader<K, V | null> | undefined;
    if (!loader) {
      const tenantId = this.tenantId;
      const scope: LoaderScope | null = tenantId ? { db: this.db, tenantId, viewerId: this.viewerId, loaders: this } : null;
      loader = new DataLoader<K, V | null>(async (keys) => (scope ? definition.batch(scope, keys) : keys.map(() => null)), {
        maxBatchSize: 500,
        ...(definition.cacheKey ? { cacheKeyFn: definition.cacheKey as (key: K) => K } : {}),
      });
      this.cache.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}
