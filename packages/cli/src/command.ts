import type { OptionTable } from './parse-options.js';

/** Where a command writes; injectable so tests capture output without spawning processes. */
export interface CliIO {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
  /** True when stderr is a terminal: progress bars redraw in place; otherwise they print one line per step. */
  readonly interactive?: boolean;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One `clipseg` sub-command. */
export interface Command {
  /** Name typed after `clipseg`. */
  readonly name: string;
  /** One-line summary for `clipseg --help`. */
  readonly summary: string;
  /** Full usage text for `clipseg <name> --help`. */
  readonly usage: string;
  /**
   * The command's options as `node:util` parseArgs takes them. With them, `--help` prints the usage only where it
   * stands as an option of its own, not where it is the value of an option (`--prompt --help`).
   */
  readonly options?: OptionTable;
  /** Runs the command; resolves to the exit code. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
