import type { EntityManager } from "typeorm";

/** Every domain refusal a client can see. The names are fixed by the API contract. */
export enum ErrorCode {
  INVALID_INPUT = "INVALID_INPUT",
  NOT_FOUND = "NOT_FOUND",
  NOT_PERMITTED = "NOT_PERMITTED",
  NOT_A_CONTACT = "NOT_A_CONTACT",
  NOT_A_MEMBER = "NOT_A_MEMBER",
  TOO_FEW_MEMBERS = "TOO_FEW_MEMBERS",
  GROUP_FULL = "GROUP_FULL",
  RATE_LIMITED = "RATE_LIMITED",
  COMPLIANCE_REQUIRED = "COMPLIANCE_REQUIRED",
  CONTENT_BLOCKED = "CONTENT_BLOCKED",
  CODE_EXPIRED = "CODE_EXPIRED",
  CODE_REVOKED = "CODE_REVOKED",
  CODE_EXHAUSTED = "CODE_EXHAUSTED",
  CODE_TYPE_NOT_ALLOWED = "CODE_TYPE_NOT_ALLOWED",
  FEATURE_NOT_IN_PLAN = "FEATURE_NOT_IN_PLAN",
  ADMIN_LIMIT_REACHED = "ADMIN_LIMIT_REACHED",
  TARGET_NOT_ADMIN = "TARGET_NOT_ADMIN",
  GROUP_DISSOLVED = "GROUP_DISSOLVED",
  /** The sender is muted in the group (or the group is muted for everyone but its owner and admins). */
  MEMBER_MUTED = "MEMBER_MUTED",
  /** The user was banned from the group. */
  BANNED = "BANNED",
  /** The group's ownership was transferred as often as the policy allows within its window. */
  TRANSFER_LIMIT_REACHED = "TRANSFER_LIMIT_REACHED",
}
/** What a refusal looks like in a payload's `userErrors` (the GraphQL type is UserError in errors.ts). */
export interface UserErrorShape {
  code: ErrorCode;
  message: string;
  field: string[] | null;
}

/**
 * A refusal raised by a service. Mutation wrappers turn it into a `userErrors` entry after rolling
 * the transaction back, so a refusal never leaves a partial write behind.
 */
export class DomainError extends Error {
  /**
   * Work to do after the refused transaction has rolled back, in a transaction of its own — e.g.
   * recording the risk event a refusal stands for, which must survive the rollback.
   */
  afterRollback?: (em: EntityManager) => Promise<void>;

  /**
   * What a top-level GraphQL error carries when a query's resolver lets the refusal escape (the
   * executor copies an error's `extensions`): its code, so it reaches the client as that code, not
   * as an internal error. Mutations never get here: runMutation turns refusals into userErrors.
   */
  readonly extensions: { code: ErrorCode };

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
  ) {
    super(message);
    this.name = "DomainError";
    this.extensions = { code };
  }

  /** Attaches work that must happen even though the mutation is refused. */
  recording(work: (em: EntityManager) => Promise<void>): this {
    this.afterRollback = work;
    return this;
  }

  toUserError(): UserErrorShape {
    return { code: this.code, message: this.message, field: this.field ?? null };
  }
}

/** Several refusals found at once (input validation reports every bad field, not only the first). */
export class DomainErrors extends Error {
  constructor(readonly errors: DomainError[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "DomainErrors";
  }
}

export function notFound(what: string, field?: string[]): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `${what} not found`, field);
}
