import type { EntityManager } from "typeorm";
import type { RequestContext } from "../context/context";
import { DomainError, DomainErrors, type UserError } from "../common/errors";

export type Payload<T> = T & { userErrors: UserError[] };

/**
 * Runs one mutation: all its writes in one transaction (re-run whole on deadlock). A DomainError
 * rolls everything back and becomes the payload's `userErrors`; the other payload fields stay null.
 */
export async function runMutation<T extends object>(
  ctx: RequestContext,
  work: (em: EntityManager) => Promise<T>,
): Promise<Payload<Partial<T>>> {
  try {
    const result = await ctx.db.tx(work);
    return { ...result, userErrors: [] };
  } catch (error) {
    const userErrors = refusalsOf(error);
    if (!userErrors) throw error;
    if (error instanceof DomainError && error.afterRollback) await ctx.db.tx(error.afterRollback);
    ctx.log.debug({ userErrors }, "mutation refused");
    return { userErrors } as Payload<Partial<T>>;
  }
}

/** The user errors a thrown value stands for, or null when it is not a domain refusal. */
export function refusalsOf(error: unknown): UserError[] | null {
  if (error instanceof DomainError) return [error.toUserError()];
  if (error instanceof DomainErrors) return error.errors.map((e) => e.toUserError());
  return null;
}
