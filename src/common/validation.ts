import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode } from "./errors";

// Control characters (C0, DEL, C1) and bidi overrides have no place in names shown to other people.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Mutation inputs that are multi-line texts (a chat message, a welcome message posted to the
 * group): they may also hold tab, line feed and CR LF line ends. Keyed `mutation.argument.path`.
 */
const MULTI_LINE_INPUTS = new Set([
  "sendMessage.input.text",
  "createLiveCode.input.welcomeMessage",
  "updateLiveCode.input.welcomeMessage",
  "updateGroupSettings.input.welcomeMessage",
  "setGroupAnnouncement.input.text",
]);

// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/u;

/**
 * The one rule for every string input of every mutation (applied centrally, before the resolver
 * runs: see `Allow`): no C0 or C1 control character, DEL, or bidirectional embedding, override or
 * isolate (U+202A–U+202E, U+2066–U+2069) — only multi-line texts may hold \t, \n and \r\n. Every
 * offending string is reported as an INVALID_INPUT error whose `field` is its path from the
 * argument, e.g. ["input", "keywords", "2", "term"].
 */
export function controlCharacterProblems(mutation: string, args: Record<string, unknown>): DomainError[] {
  const problems: DomainError[] = [];
  const stack: Array<[unknown, string[]]> = Object.entries(args).map(([name, value]) => [value, [name]]);
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      // Most strings hold nothing either rule refuses (the single-line rule refuses all the
      // multi-line one does, and more): which rule applies is looked up only for those that do.
      if (!FORBIDDEN_CHARS.test(value)) continue;
      const multiLine = MULTI_LINE_INPUTS.has(`${mutation}.${path.filter((p) => !/^\d+$/.test(p)).join(".")}`);
      const found = (multiLine ? FORBIDDEN_IN_MULTI_LINE : FORBIDDEN_CHARS).exec(value);
      if (found) {
        const codePoint = `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
        const allowed = multiLine ? " (only tab, line feed and CR LF line ends are allowed)" : "";
        problems.push(invalidInput(`${path.slice(1).join(".") || path[0]}: must not contain control characters or bidirectional overrides (${codePoint})${allowed}`, path));
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, [...path, String(index)]]));
    } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      for (const [key, child] of Object.entries(value)) stack.push([child, [...path, key]]);
    }
  }
  // Reported in input order (the walk above is depth-first from the end).
  return problems.reverse();
}

/** A human-readable name: trimmed, NFC, 1…max characters (code points), no control characters. */
export function displayText(max: number) {
  return z
    .string()
    .transform((value) => value.normalize("NFC").trim())
    .refine((value) => value.length > 0, "must not be empty")
    .refine((value) => [...value].length <= max, `must be at most ${max} characters`)
    .refine((value) => !FORBIDDEN_CHARS.test(value), "must not contain control characters");
}

/** An identifier chosen by a partner: 1…max characters, no whitespace or control characters. */
export function externalKey(max: number) {
  return z
    .string()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\s/.test(value) && !FORBIDDEN_CHARS.test(value), "must not contain spaces or control characters");
}

/** An absolute http(s) URL. */
export function httpUrl(max = 500) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:";
      } catch {
        return false;
      }
    }, "must be an absolute http(s) URL");
}

/**
 * Parses a mutation's input; every problem becomes an INVALID_INPUT user error whose `field` is the
 * path from the `input` argument, e.g. ["input", "users", "3", "displayName"].
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new DomainErrors(
    result.error.issues.map(
      (issue) =>
        new DomainError(
          ErrorCode.INVALID_INPUT,
          `${issue.path.length ? issue.path.join(".") : "input"}: ${issue.message}`,
          ["input", ...issue.path.map(String)],
        ),
    ),
  );
}

export function invalidInput(message: string, field: string[]): DomainError {
  return new DomainError(ErrorCode.INVALID_INPUT, message, field);
}

/**
 * The first `max` code points of `text`. `String#slice` counts UTF-16 units and can keep half of a
 * surrogate pair, which no driver stores faithfully (it becomes U+FFFD).
 */
export function truncateText(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : points.slice(0, max).join("");
}
