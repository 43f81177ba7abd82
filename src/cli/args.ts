import { parseArgs } from "node:util";

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export type OptionSpec = Record<string, { type: "string" | "boolean"; required?: boolean }>;
type Parsed<S extends OptionSpec> = { [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string | undefined };

/**
 * Parses `--name value` options strictly (unknown options, missing values and stray positionals
 * are usage errors, never exceptions with a stack) and checks the required ones are present.
 */
export function parseOptions<S extends OptionSpec>(argv: string[], spec: S, usage: string): Parsed<S> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec).map(([name, { type }]) => [name, { type }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs messages are written for people ("Unknown option '--nme'"); keep them, drop the rest.
    throw new UsageError(error instanceof Error ? error.message.split(". To specify")[0] : String(error), usage);
  }
  for (const [name, { type, required }] of Object.entries(spec)) {
    const value = values[name];
    if (required && (value === undefined || value === "")) throw new UsageError(`--${name} is required`, usage);
    if (type === "string" && typeof value === "string" && value.trim() === "") throw new UsageError(`--${name} must not be empty`, usage);
  }
  return values as Parsed<S>;
}

/** A whole number within bounds, from an option value. */
export function integerOption(name: string, raw: string | undefined, min: number, max: number, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be a whole number in ${min}…${max}`, usage);
  return Number(raw);
}
