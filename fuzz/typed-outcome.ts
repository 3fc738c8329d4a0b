/**
 * The one property every parser of outside input must have: it returns a result or throws a `CLIPSegError` with a
 * stable code, never another exception, and it does so quickly.
 */
import { isCLIPSegError, type CLIPSegError } from '../packages/core/src/errors.js';

/** Longest a single case may take before it counts as a hang (`FUZZ_SLOW_MS` overrides; default 2 s). */
export const SLOW_CASE_MS = Number(process.env.FUZZ_SLOW_MS ?? 2000);

/** What a parser did with one input. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CLIPSegError };

/** Which error codes a parser may throw: a prefix such as `SAFETENSORS_`, or an explicit list. */
export type AllowedCodes = string | readonly string[];

function codeAllowed(code: string, allowed: AllowedCodes): boolean {
  return typeof allowed === 'string' ? code.startsWith(allowed) : allowed.includes(code);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `the non-error value ${String(error)}`;
  return `${error.name}: ${error.message.slice(0, 300)}${error.stack ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
}

function judge<T>(result: { value: T } | { error: unknown }, allowed: AllowedCodes, elapsed: number): Outcome<T> {
  if (elapsed > SLOW_CASE_MS) throw new Error(`The parser took ${elapsed.toFixed(0)} ms on one input (budget ${SLOW_CASE_MS} ms): a hang or super-linear work.`);
  if ('value' in result) return { ok: true, value: result.value };
  const { error } = result;
  if (!isCLIPSegError(error)) throw new Error(`The parser threw something other than a CLIPSegError: ${describeError(error)}`, { cause: error });
  if (!/^[A-Z][A-Z0-9_]*$/.test(error.code) || !codeAllowed(error.code, allowed)) {
    throw new Error(`The parser threw code ${error.code}, not one of ${typeof allowed === 'string' ? `${allowed}*` : allowed.join(', ')}: ${describeError(error)}`, { cause: error });
  }
  return { ok: false, error };
}

/**
 * Runs `parse` and checks that it returned, or threw a `CLIPSegError` whose code is allowed, within
 * {@link SLOW_CASE_MS}. Any other exception fails the property.
 *
 * @param parse - the parser call
 * @param allowed - the codes it may throw
 */
export function typedOutcome<T>(parse: () => T, allowed: AllowedCodes): Outcome<T> {
  const started = performance.now();
  let result: { value: T } | { error: unknown };
  try {
    result = { value: parse() };
  } catch (error) {
    result = { error };
  }
  return judge(result, allowed, performance.now() - started);
}

/**
 * {@link typedOutcome} for an asynchronous parser.
 *
 * @param parse - the parser call
 * @param allowed - the codes it may throw
 */
export async function typedOutcomeAsync<T>(parse: () => Promise<T>, allowed: AllowedCodes): Promise<Outcome<T>> {
  const started = performance.now();
  let result: { value: T } | { error: unknown };
  try {
    result = { value: await parse() };
  } catch (error) {
    result = { error };
  }
  return judge(result, allowed, performance.now() - started);
}
