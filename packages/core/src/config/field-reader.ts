import { ConfigError, joinPath } from './config-error.js';
import type { ProblemList } from './config-error.js';
import { HIDDEN_ACTIVATIONS, isHiddenActivation } from './activations.js';
import { describeValue } from '../describe-value.js';
import type { HiddenActivation } from './activations.js';

/** A JSON object as read from a config file. @internal */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). @internal */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns the argument of a `fromJSON` into a JSON object: a string is parsed, anything else is taken as already
 * parsed. Throws {@link ConfigError} `CONFIG_INVALID_JSON` or `CONFIG_NOT_AN_OBJECT`.
 * @internal
 */
export function toJsonObject(json: unknown, what: string): JsonObject {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ConfigError(
        [
          {
            code: 'CONFIG_INVALID_JSON',
            path: '',
            message: `the text is not valid JSON (${reason}). Pass the unmodified contents of the HF JSON file.`,
          },
        ],
        what,
        cause,
      );
    }
  }
  if (!isJsonObject(value)) {
    throw new ConfigError(
      [
        {
          code: 'CONFIG_NOT_AN_OBJECT',
          path: '',
          message: `expected a JSON object ({…}), got ${describeValue(value)}. Pass the whole HF JSON file.`,
        },
      ],
      what,
    );
  }
  return value;
}

/** Deep copy of a JSON-compatible value, frozen; `undefined` members are dropped as `JSON.stringify` would. @internal */
export function frozenJsonCopy<T>(value: T): T {
  if (value === undefined) return value;
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

/** Mutable deep copy of a JSON-compatible object (for example frozen extras). @internal */
export function mutableJsonCopy(value: Readonly<JsonObject>): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/**
 * Deepest nesting of arrays and objects accepted in a member a config keeps verbatim (HF's extras nest a few levels:
 * `id2label`, `task_specific_params` …). Deeper values could not be copied or written back as JSON.
 */
export const MAX_EXTRA_DEPTH = 64;

/** True when `value` nests arrays or objects more than `limit` levels deep; iterative, so any depth is safe. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const member of Object.values(item)) stack.push([member, depth + 1]);
  }
  return false;
}

/**
 * Copies the members of `record` whose keys are not in `known` (HF keeps them as plain attributes); a member nested
 * deeper than {@link MAX_EXTRA_DEPTH} is recorded as a problem and left out. @internal
 */
export function collectExtras(record: JsonObject, known: ReadonlySet<string>, problems: ProblemList, prefix = ''): Readonly<JsonObject> {
  const extras: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    if (known.has(key) || value === undefined) continue;
    if (nestsDeeperThan(value, MAX_EXTRA_DEPTH)) {
      problems.add('CONFIG_INVALID_FIELD', joinPath(prefix, key), `nests arrays or objects more than ${MAX_EXTRA_DEPTH} levels deep; remove the field (a model config never needs that).`);
      continue;
    }
    extras[key] = value;
  }
  return frozenJsonCopy(extras);
}

/** Inclusive/exclusive bounds for {@link FieldReader.number}. @internal */
export interface NumberRange {
  readonly min?: number;
  readonly minExclusive?: number;
  readonly max?: number;
  readonly maxExclusive?: number;
}

/**
 * Reads typed fields of one JSON object, substituting HF's default for a missing field and recording a problem
 * (then returning the default) for a malformed one, so every problem of a document is reported together.
 * @internal
 */
export class FieldReader {
  /**
   * @param record - the JSON object being read
   * @param prefix - dotted path of `record` in the document (`''` at the top)
   * @param problems - where problems are recorded
   */
  constructor(
    readonly record: JsonObject,
    readonly prefix: string,
    readonly problems: ProblemList,
  ) {}

  /** Dotted path of `key` inside this object. */
  path(key: string): string {
    return joinPath(this.prefix, key);
  }

  private invalid(key: string, expected: string, value: unknown, fallback: unknown): void {
    this.problems.add(
      'CONFIG_INVALID_FIELD',
      this.path(key),
      `expected ${expected}, got ${describeValue(value)}. Fix the value, or remove the field to use HF's default ${JSON.stringify(fallback)}.`,
    );
  }

  /** An integer ≥ `min` (default 1: a size or count). */
  int(key: string, fallback: number, min = 1): number {
    const value = this.record[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      const expected = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
      this.invalid(key, expected, value, fallback);
      return fallback;
    }
    return value;
  }

  /** An integer ≥ 0, or `null`. */
  intOrNull(key: string, fallback: number | null): number | null {
    const value = this.record[key];
    if (value === null) return null;
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.invalid(key, 'a non-negative integer or null', value, fallback);
      return fallback;
    }
    return value;
  }

  /** A finite number inside `range`. */
  number(key: string, fallback: number, range: NumberRange = {}): number {
    const value = this.record[key];
    if (value === undefined) return fallback;
    const parts: string[] = [];
    if (range.min !== undefined) parts.push(`≥ ${range.min}`);
    if (range.minExclusive !== undefined) parts.push(`> ${range.minExclusive}`);
    if (range.max !== undefined) parts.push(`≤ ${range.max}`);
    if (range.maxExclusive !== undefined) parts.push(`< ${range.maxExclusive}`);
    const expected = parts.length > 0 ? `a finite number ${parts.join(' and ')}` : 'a finite number';
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (range.min !== undefined && value < range.min) ||
      (range.minExclusive !== undefined && value <= range.minExclusive) ||
      (range.max !== undefined && value > range.max) ||
      (range.maxExclusive !== undefined && value >= range.maxExclusive)
    ) {
      this.invalid(key, expected, value, fallback);
      return fallback;
    }
    return value;
  }

  /** A boolean. */
  bool(key: string, fallback: boolean): boolean {
    const value = this.record[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.invalid(key, 'true or false', value, fallback);
      return fallback;
    }
    return value;
  }

  /** A boolean or `null`. */
  boolOrNull(key: string, fallback: boolean | null): boolean | null {
    const value = this.record[key];
    if (value === undefined) return fallback;
    if (value !== null && typeof value !== 'boolean') {
      this.invalid(key, 'true, false or null', value, fallback);
      return fallback;
    }
    return value;
  }

  /** A string, or `undefined` when absent. */
  optionalString(key: string): string | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.invalid(key, 'a string', value, null);
      return undefined;
    }
    return value;
  }

  /** One of {@link HIDDEN_ACTIVATIONS}. */
  activation(key: string, fallback: HiddenActivation): HiddenActivation {
    const value = this.record[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') {
      this.invalid(key, `an activation name (one of ${HIDDEN_ACTIVATIONS.join(', ')})`, value, fallback);
      return fallback;
    }
    if (!isHiddenActivation(value)) {
      this.problems.add(
        'CONFIG_UNSUPPORTED_VALUE',
        this.path(key),
        `unsupported activation ${JSON.stringify(value)}. Use one of ${HIDDEN_ACTIVATIONS.join(', ')} (CLIPSeg checkpoints use "quick_gelu").`,
      );
      return fallback;
    }
    return value;
  }

  /** A non-empty array of integers ≥ `min`. */
  intArray(key: string, fallback: readonly number[], min = 0): number[] {
    const value = this.record[key];
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value) || value.length === 0) {
      this.invalid(key, 'a non-empty array of integers', value, fallback);
      return [...fallback];
    }
    let ok = true;
    value.forEach((item: unknown, index) => {
      if (typeof item !== 'number' || !Number.isSafeInteger(item) || item < min) {
        ok = false;
        this.problems.add(
          'CONFIG_INVALID_FIELD',
          `${this.path(key)}[${index}]`,
          `expected ${min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`}, got ${describeValue(item)}.`,
        );
      }
    });
    return ok ? (value as number[]).slice() : [...fallback];
  }
}
