import { v7 } from "uuid";

/**
 * Time-ordered UUIDv7 row ids: unique across instances without coordination (no auto-increment to
 * tune on multi-primary clusters) and roughly insert-ordered, which keeps B-tree inserts local.
 */
export function newId(): string {
  return v7();
}
