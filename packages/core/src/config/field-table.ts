import type { HiddenActivation } from './activations.js';
import type { FieldReader, NumberRange } from './field-reader.js';

/**
 * How one field of an HF config is read: HF's default and the check applied to the JSON value.
 * `C` is what the reader needs besides the record (the channel count for `image_mean`, for example).
 * @internal
 */
export interface FieldSpec<T, C = unknown> {
  /** HF's default, used when the field is absent (and after a problem); frozen when it is an array or object. */
  readonly default: T;
  /**
   * Reads `key` from `r.record`: `fallback` when absent; a problem recorded on `r.problems` (and `fallback`
   * returned) when malformed.
   */
  readonly read: (r: FieldReader, key: string, fallback: T, context: C) => T;
}

/** What every {@link FieldSpec} of a table whose readers get a `C` is assignable to. */
interface AnyFieldSpec<C> {
  readonly default: unknown;
  readonly read: (r: FieldReader, key: string, fallback: never, context: C) => unknown;
}

/**
 * A config's field table: one entry per field, in HF's `to_dict` order, each with its TSDoc. The `…Fields` type,
 * the defaults, the reader, the class properties and `toDict` of the config all derive from it, so adding a field
 * is adding one entry. `C` is what its readers need besides the record.
 * @internal
 */
export type FieldTable<C = unknown> = Readonly<Record<string, AnyFieldSpec<C>>>;

/**
 * The values a table describes: one readonly property per entry, typed by the entry's default, with the entry's
 * TSDoc (the mapped type keeps it, in editors and in the emitted declarations).
 * @internal
 */
export type FieldValues<T> = { readonly [K in keyof T]: T[K] extends { readonly default: infer V } ? V : never };

/** A frozen copy of an array or plain object (one level, as every table value is); other values as they are. */
function stored<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze([...(value as unknown[])]) as T;
  if (typeof value === 'object' && value !== null) return Object.freeze({ ...value });
  return value;
}

/** A fresh mutable copy of an array or plain object (one level); other values as they are. */
function fresh<T>(value: T): T {
  if (Array.isArray(value)) return [...(value as unknown[])] as T;
  if (typeof value === 'object' && value !== null) return { ...value };
  return value;
}

/** A spec from a default and a reader; the default is frozen. @internal */
export function fieldSpec<T, C = unknown>(fallback: T, read: FieldSpec<T, C>['read']): FieldSpec<T, C> {
  return Object.freeze({ default: stored(fallback), read });
}

/**
 * The field kinds shared by the configs, each a thin wrapper over the {@link FieldReader} method of the same name
 * (so every kind reports HF's default and the same messages).
 * @internal
 */
export const field = Object.freeze({
  /** An integer ≥ `min` (default 1: a size or count). */
  int: (fallback: number, min = 1): FieldSpec<number> => fieldSpec(fallback, (r, key, d) => r.int(key, d, min)),
  /** An integer ≥ 0, or `null`. */
  intOrNull: (fallback: number | null): FieldSpec<number | null> => fieldSpec(fallback, (r, key, d) => r.intOrNull(key, d)),
  /** A finite number inside `range`. */
  number: (fallback: number, range?: NumberRange): FieldSpec<number> => fieldSpec(fallback, (r, key, d) => r.number(key, d, range)),
  /** A boolean. */
  bool: (fallback: boolean): FieldSpec<boolean> => fieldSpec(fallback, (r, key, d) => r.bool(key, d)),
  /** A boolean or `null`. */
  boolOrNull: (fallback: boolean | null): FieldSpec<boolean | null> => fieldSpec(fallback, (r, key, d) => r.boolOrNull(key, d)),
  /** One of the supported hidden activations. */
  activation: (fallback: HiddenActivation): FieldSpec<HiddenActivation> => fieldSpec(fallback, (r, key, d) => r.activation(key, d)),
  /** A non-empty array of integers ≥ `min`. */
  intArray: (fallback: readonly number[], min = 0): FieldSpec<readonly number[]> =>
    fieldSpec(fallback, (r, key, d) => r.intArray(key, d, min)),
});

/** Keys of a table, in order. */
function keysOf<T extends object>(table: T): (keyof T & string)[] {
  return Object.keys(table) as (keyof T & string)[];
}

/** HF's defaults of every field of `table`, in table order, frozen (arrays and objects too). @internal */
export function defaultsOf<T extends FieldTable<never>>(table: T): Readonly<FieldValues<T>> {
  const values: Record<string, unknown> = {};
  for (const key of keysOf(table)) values[key] = stored(table[key]!.default);
  return Object.freeze(values) as FieldValues<T>;
}

/** The JSON keys a table models, plus `others` (`model_type` …): what is not an extra. @internal */
export function knownKeys(table: FieldTable<never>, ...others: string[]): ReadonlySet<string> {
  return new Set([...Object.keys(table), ...others]);
}

/**
 * Reads every field of `table` from `r.record`, recording problems on `r.problems` rather than throwing. Fields are
 * read in table order, except those in `first`, which are read (and so report their problems) before the others.
 * The result is in table order.
 * @internal
 */
export function readFields<T extends FieldTable<C>, C>(
  table: T,
  r: FieldReader,
  context: C,
  first: readonly (keyof T & string)[] = [],
): FieldValues<T> {
  const read: Record<string, unknown> = {};
  for (const key of [...first, ...keysOf(table).filter((k) => !first.includes(k))]) {
    const spec = table[key] as unknown as FieldSpec<unknown, C>;
    read[key] = spec.read(r, key, spec.default, context);
  }
  const values: Record<string, unknown> = {};
  for (const key of keysOf(table)) values[key] = read[key];
  return values as FieldValues<T>;
}

/** The fields of `source` as an instance stores them: table order, arrays and objects frozen copies. @internal */
export function storedFields<T extends FieldTable<never>>(table: T, source: FieldValues<T>): FieldValues<T> {
  const values: Record<string, unknown> = {};
  for (const key of keysOf(table)) values[key] = stored(source[key]);
  return values as FieldValues<T>;
}

/** The fields of `source` as `fields()` and `toDict` return them: table order, fresh mutable copies. @internal */
export function freshFields<T extends FieldTable<never>>(table: T, source: FieldValues<T>): FieldValues<T> {
  const values: Record<string, unknown> = {};
  for (const key of keysOf(table)) values[key] = fresh(source[key]);
  return values as FieldValues<T>;
}
