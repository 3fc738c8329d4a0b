import { CliError } from './cli-error.js';

/**
 * Runs an argument parser (usually `node:util` parseArgs with `strict: true`),
 * turning its errors into `CLI_USAGE`.
 */
export function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliError('CLI_USAGE', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Parses a positive integer option value or throws `CLI_USAGE` naming the option. */
export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError('CLI_USAGE', `${option} must be a positive integer, got '${value}'.`);
  return n;
}
