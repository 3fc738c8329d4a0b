import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What {@link parseCommandArgs} returns for an option table. */
export type ParsedCommandArgs<T extends OptionTable> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; tokens: true; options: T }>>;
import type { BundleVerification } from '@clipseg/core';
import { CliError } from './cli-error.js';
import { closestName } from './suggest-option.js';

/** The option table of a command, as `node:util` parseArgs takes it. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** Most onnxruntime intra-op threads `--threads` accepts. */
export const MAX_THREADS = 256;

/**
 * Runs an argument parser (usually `node:util` parseArgs with `strict: true`),
 * turning its errors into `CLI_USAGE`.
 */
export function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CliError && error.code === 'CLI_USAGE') throw error;
    throw new CliError('CLI_USAGE', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function stringOptionName(arg: string, options: OptionTable): string | undefined {
  let name: string | undefined;
  if (arg.startsWith('--') && arg.length > 2 && !arg.includes('=')) name = arg.slice(2);
  else if (/^-[^-]$/.test(arg)) name = Object.keys(options).find((key) => options[key]!.short === arg[1]);
  return name !== undefined && Object.hasOwn(options, name) && options[name]!.type === 'string' ? name : undefined;
}

/**
 * Joins each string option to the argument after it (`--prompt X` → `--prompt=X`), so that a value is taken as the
 * value whatever it looks like: `--prompt --help` is the prompt "--help", `--threshold -1` a threshold of -1 (then
 * refused as out of range), where parseArgs alone would call them ambiguous. Nothing after `--` is touched.
 */
export function attachOptionValues(args: readonly string[], options: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = stringOptionName(arg, options);
    if (name !== undefined && i + 1 < args.length) {
      out.push(`--${name}=${args[++i]!}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * The one way a command parses its arguments: each string option's value attached to it first (see
 * {@link attachOptionValues}, so `--prompt --help` is a prompt), then `node:util` parseArgs, strict, with
 * positionals and tokens; its errors become `CLI_USAGE`.
 */
export function parseCommandArgs<T extends OptionTable>(args: readonly string[], options: T): ParsedCommandArgs<T> {
  const attached = attachOptionValues(args, options);
  return withUsageErrors(() => {
    try {
      return parseArgs({ args: attached, allowPositionals: true, strict: true, tokens: true, options });
    } catch (error) {
      const unknown = (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownOption(attached, options) : undefined;
      if (unknown === undefined) throw error;
      throw new CliError('CLI_USAGE', unknownOptionMessage(unknown, options), { cause: error, details: { option: unknown } });
    }
  });
}

/** The first option in `args` (as written: `--promt`, `-x`) that `options` does not name, if any. */
function unknownOption(args: string[], options: OptionTable): string | undefined {
  const { tokens } = parseArgs({ args, allowPositionals: true, strict: false, tokens: true, options });
  const token = tokens.find((t) => t.kind === 'option' && !Object.hasOwn(options, t.name));
  return token?.kind === 'option' ? token.rawName : undefined;
}

/**
 * `unknown option '--promt'; did you mean '--prompt'?` when a long option of `options` is a likely typo of the
 * one given (see {@link closestName}), else `unknown option '--x'.`
 */
export function unknownOptionMessage(rawName: string, options: OptionTable): string {
  const suggestion = rawName.startsWith('--') ? closestName(rawName.slice(2), Object.keys(options)) : undefined;
  return suggestion === undefined ? `unknown option '${rawName}'.` : `unknown option '${rawName}'; did you mean '--${suggestion}'?`;
}

/**
 * True when `--help` or `-h` stands as an option of its own: not the value of a string option of `options` (see
 * {@link attachOptionValues}) and not after `--`. Without `options`, any `--help`/`-h` before `--` counts.
 */
export function helpRequested(args: readonly string[], options?: OptionTable): boolean {
  for (const arg of options ? attachOptionValues(args, options) : args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** Bounds of {@link parseNumber}. */
export interface NumberRule {
  /** Smallest accepted value (inclusive). */
  readonly min?: number;
  /** Largest accepted value (inclusive). */
  readonly max?: number;
  /** Accept whole numbers only. */
  readonly integer?: boolean;
}

/** A plain decimal number: optional sign, digits with an optional fraction, optional exponent; nothing else. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function expected(rule: NumberRule): string {
  if (rule.integer && rule.max === undefined && (rule.min === 0 || rule.min === 1)) return rule.min === 1 ? 'a positive integer' : 'a non-negative integer';
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} ≥ ${rule.min}`;
  if (rule.max !== undefined) return `${kind} ≤ ${rule.max}`;
  return `a finite ${rule.integer ? 'integer' : 'number'}`;
}

/**
 * The one number parser of the command line: a plain decimal number (`0.5`, `-2`, `1e3`; not empty, no white
 * space, no hex, no `Infinity`), finite, whole when `integer`, within `[min, max]`.
 *
 * @param value - the text given
 * @param what - the option or field, for the message (`--threshold`)
 * @throws {@link CliError} `CLI_USAGE` naming `what` and the accepted range
 */
export function parseNumber(value: string, what: string, rule: NumberRule = {}): number {
  const n = DECIMAL.test(value) ? Number(value) : Number.NaN;
  const ok = Number.isFinite(n) && (!rule.integer || Number.isSafeInteger(n)) && (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
  if (!ok) throw new CliError('CLI_USAGE', `${what} must be ${expected(rule)}, got '${value}'.`, { details: { option: what, value } });
  return n;
}

/** {@link parseNumber} for an option that may be absent. */
export function numberOption(value: string | undefined, option: string, rule: NumberRule = {}): number | undefined {
  return value === undefined ? undefined : parseNumber(value, option, rule);
}

/** Parses a positive integer option value or throws `CLI_USAGE` naming the option. */
export function positiveInt(value: string | undefined, option: string): number | undefined {
  return numberOption(value, option, { integer: true, min: 1 });
}

/** Parses `--threads`: an integer from 1 to {@link MAX_THREADS}, or `undefined` (onnxruntime's default). */
export function threadsOption(value: string | undefined): number | undefined {
  return numberOption(value, '--threads', { integer: true, min: 1, max: MAX_THREADS });
}

/** Parses `--verify` (how `segment` and `run` check bundle files against the manifest): `size`, `sha256` or `none`. */
export function verifyOption(value: string): BundleVerification {
  if (value !== 'size' && value !== 'sha256' && value !== 'none') throw new CliError('CLI_USAGE', `--verify must be size, sha256 or none, got '${value}'.`);
  return value;
}
