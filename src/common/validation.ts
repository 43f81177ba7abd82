import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode } from "./errors";

// Control characters (C0, DEL, C1) and bidi overrides have no place in names shown to other people.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

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
