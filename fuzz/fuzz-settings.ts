/**
 * Run count and seed of the fuzz properties.
 *
 * `pnpm test` runs every property a few hundred times with a fixed seed, so a failure there is reproducible as is.
 * `pnpm fuzz` sets `FUZZ_RUNS` (100,000 by default) and each property then draws a fresh random seed, printed before
 * it runs. A failure names its seed and the path of the shrunk counterexample: `FUZZ_SEED=<seed> FUZZ_PATH=<path>`
 * replays exactly that case.
 */
import fc from 'fast-check';
import { it } from 'vitest';

/** The seed of the short runs in `pnpm test`. */
export const FIXED_FUZZ_SEED = 0x0c11_5e9;

/** How one property runs. */
export interface FuzzSettings {
  /** Cases to try. */
  readonly numRuns: number;
  /** Seed of the random generator. */
  readonly seed: number;
  /** True under `pnpm fuzz` (`FUZZ_RUNS` set): long runs with a random seed. */
  readonly long: boolean;
  /** `FUZZ_PATH`: replay one case (with its seed). */
  readonly path: string | undefined;
}

function envInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}.`);
  return value;
}

/**
 * The settings of one property: `defaultRuns` cases with {@link FIXED_FUZZ_SEED}, unless `FUZZ_RUNS` / `FUZZ_SEED`
 * say otherwise.
 *
 * @param defaultRuns - cases tried by `pnpm test`
 */
export function fuzzSettings(defaultRuns: number): FuzzSettings {
  const runs = envInteger('FUZZ_RUNS');
  const seed = envInteger('FUZZ_SEED');
  const long = runs !== undefined;
  return {
    numRuns: runs ?? defaultRuns,
    seed: seed ?? (long ? (Math.random() * 0x7fff_ffff) | 0 : FIXED_FUZZ_SEED),
    long,
    path: process.env.FUZZ_PATH || undefined,
  };
}

/** A short rendering of a counterexample: fast-check's, cut to 1,500 characters (inputs can be megabytes). */
function summarize(value: unknown): string {
  let text: string;
  try {
    text = fc.stringify(value);
  } catch {
    return '(too deeply nested to print; replay it with FUZZ_SEED and FUZZ_PATH)';
  }
  return text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} characters)` : text;
}

/** Options of {@link fuzzIt}. */
export interface FuzzItOptions {
  /**
   * A bug the property finds that belongs to code this change may not touch, with a minimal reproduction. Under
   * `pnpm test` the property is then declared with `it.fails` (it passes while the bug is there, and fails, asking
   * for this option to be removed, once it is fixed); `pnpm fuzz` runs it normally, so the bug is reported.
   */
  readonly knownIssue?: string;
}

/**
 * Declares a vitest test that checks `property` with {@link fuzzSettings}. In long runs the seed is printed first
 * and the test has no practical time limit.
 *
 * @param name - test name
 * @param defaultRuns - cases tried by `pnpm test` (keep the whole fuzz set under ~20 s)
 * @param property - a fast-check property (sync or async)
 * @param options - a known issue, if any
 */
export function fuzzIt<Ts>(name: string, defaultRuns: number, property: fc.IRawProperty<Ts>, options: FuzzItOptions = {}): void {
  const settings = fuzzSettings(defaultRuns);
  const known = options.knownIssue !== undefined && !settings.long;
  (known ? it.fails : it)(
    known ? `${name} [fails on a known issue: ${options.knownIssue}; once fixed, remove the knownIssue option]` : name,
    async () => {
      const started = performance.now();
      if (settings.long) console.info(`[fuzz] ${name}: ${settings.numRuns} runs, seed ${settings.seed} (replay with FUZZ_SEED=${settings.seed})`);
      const details = await fc.check(property, {
        seed: settings.seed,
        numRuns: settings.numRuns,
        // A known failure is not shrunk: the reproduction is in its description already.
        endOnFailure: known,
        ...(settings.path === undefined ? {} : { path: settings.path }),
      });
      if (details.failed) {
        const error = details.errorInstance;
        throw new Error(
          `Property failed after ${details.numRuns} cases (shrunk ${details.numShrinks} times). ` +
            `Replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}\n` +
            `Counterexample: ${summarize(details.counterexample)}\n` +
            `Error: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      if (settings.long) console.info(`[fuzz] ${name}: passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    settings.long ? 24 * 3600_000 : undefined,
  );
}
