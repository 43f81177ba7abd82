import type { App } from "../app";

/** Where a command writes: results on stdout, notes for the person at the terminal on stderr. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** One CLI command: arguments are checked before any database connection is opened. */
export interface Command<O = unknown> {
  name: string;
  summary: string;
  usage: string;
  parse(argv: string[]): O;
  run(app: App, options: O, out: Output): Promise<void>;
}

/** Builds a command with its option type inferred from `parse`. */
export const command = <O>(definition: Command<O>): Command<O> => definition;
