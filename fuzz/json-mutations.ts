/**
 * Hostile JSON values and mutations of valid JSON documents: huge and odd numbers, long strings, deep nesting, wide
 * containers, `__proto__` keys, lone surrogates, path tricks, wrong types, deleted and inserted members. Mutations
 * copy only the containers on the edited path (never a deep clone), so deeply nested values cost nothing to carry.
 */
import fc from 'fast-check';
import { byteMutation, applyByteMutation } from './byte-mutations.js';

/** Numbers that break size, index and range arithmetic. */
export const HOSTILE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 1e-320, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e21, 1e300,
  Number.MAX_VALUE, -Number.MAX_VALUE, -(2 ** 53), 1e9, 4294967295.5,
];

/** Strings that break names and paths. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '.', '..', '../../etc/passwd', '/etc/passwd', 'C:\\Windows', 'a\\..\\..\\b', 'a/../../b', 'a\u0000b', '\ud800', '\udc00x',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', '\u202e', 'NaN', 'Infinity', '1e999', 'con', 'a:b', 'x'.repeat(300),
];

/** An array nested `depth` deep (`[[[…]]]`), built without recursion. */
export function nestedArray(depth: number, leaf: unknown = 0): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** An object nested `depth` deep (`{"a":{"a":…}}`), built without recursion. */
export function nestedObject(depth: number, key = 'a', leaf: unknown = 0): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { [key]: value };
  return value;
}

/** A value parsed from `{"__proto__": …}` text: an own `__proto__` member, as JSON.parse makes it. */
function protoObject(value: unknown): unknown {
  return JSON.parse(`{"__proto__": ${JSON.stringify(value) ?? 'null'}, "constructor": {"prototype": {"polluted": true}}}`) as unknown;
}

/**
 * Values no well-formed document holds where a parser expects something else. The large ones (long strings, deep
 * nesting, wide arrays) are drawn less often: they find stack overflows and super-linear work, but cost the most.
 */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 3 },
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(protoObject), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => 'x'.repeat(n * 100)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => nestedArray(depth)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => nestedObject(depth)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => new Array<number>(n).fill(2 ** 53 - 1)), weight: 1 },
);

type Path = readonly (string | number)[];

/** Paths of the containers and members of `value`, breadth first, at most `limit` of them and `maxDepth` deep. */
function collectPaths(value: unknown, limit = 2_000, maxDepth = 32): Path[] {
  const paths: Path[] = [[]];
  const queue: { path: Path; value: unknown }[] = [{ path: [], value }];
  for (let head = 0; head < queue.length && paths.length < limit; head++) {
    const item = queue[head]!;
    if (item.path.length >= maxDepth || typeof item.value !== 'object' || item.value === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(item.value) ? item.value.map((v, i) => [i, v]) : Object.entries(item.value);
    for (const [key, child] of entries) {
      const path = [...item.path, key];
      paths.push(path);
      queue.push({ path, value: child });
    }
  }
  return paths;
}

function shallowCopy(container: object): Record<string | number, unknown> {
  if (Array.isArray(container)) return [...container] as unknown as Record<number, unknown>;
  // Object.defineProperty keeps an own "__proto__" member a plain member, as JSON.parse makes it.
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(container)) Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** One edit of a JSON document at a path (chosen by index among the document's paths). */
export interface JsonMutation {
  readonly pathIndex: number;
  readonly op: 'replace' | 'delete' | 'insert';
  readonly key: string;
  readonly value: unknown;
}

/** Any {@link JsonMutation}; inserted keys are sometimes `__proto__` or other prototype names. */
export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  pathIndex: fc.nat(),
  op: fc.constantFrom('replace' as const, 'delete' as const, 'insert' as const),
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE_STRINGS)),
  value: hostileJsonValue,
});

/**
 * Applies one mutation, copying only the containers on the path.
 *
 * @param document - the input (not modified)
 * @param mutation - the edit
 */
export function applyJsonMutation(document: unknown, mutation: JsonMutation): unknown {
  const paths = collectPaths(document);
  const path = paths[mutation.pathIndex % paths.length]!;
  const edit = (node: unknown, depth: number): unknown => {
    if (depth === path.length) {
      if (mutation.op === 'replace') return mutation.value;
      if (typeof node !== 'object' || node === null) return mutation.value;
      const copy = shallowCopy(node);
      if (Array.isArray(copy)) copy.splice(mutation.key.length % (copy.length + 1), 0, mutation.value);
      else Object.defineProperty(copy, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
      return copy;
    }
    const copy = shallowCopy(node as object);
    const key = path[depth]!;
    if (mutation.op === 'delete' && depth === path.length - 1) {
      if (Array.isArray(copy)) copy.splice(key as number, 1);
      else Reflect.deleteProperty(copy, key);
      return copy;
    }
    copy[key] = edit(copy[key], depth + 1);
    return copy;
  };
  if (mutation.op === 'delete' && path.length === 0) return undefined;
  return edit(document, 0);
}

/**
 * Documents made by applying 1 to `maxMutations` {@link JsonMutation}s to documents of `valid`.
 *
 * @param valid - well-formed documents
 * @param maxMutations - most edits per case
 */
export function mutatedJson(valid: fc.Arbitrary<unknown>, maxMutations = 3): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(jsonMutation, { minLength: 1, maxLength: maxMutations })).map(([doc, mutations]) => mutations.reduce(applyJsonMutation, doc));
}

/**
 * `JSON.stringify` without recursion, so that documents nested far deeper than the call stack can be written as
 * text (`undefined` members are left out, `undefined` array items become `null`, as `JSON.stringify` does).
 *
 * @param value - a JSON-compatible value
 */
export function jsonText(value: unknown): string {
  const out: string[] = [];
  const tasks: ({ readonly literal: string } | { readonly value: unknown })[] = [{ value }];
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    if ('literal' in task) {
      out.push(task.literal);
      continue;
    }
    const v = task.value;
    if (Array.isArray(v)) {
      out.push('[');
      tasks.push({ literal: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        tasks.push({ value: v[i] === undefined ? null : v[i] });
        if (i > 0) tasks.push({ literal: ',' });
      }
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v).filter(([, member]) => member !== undefined);
      out.push('{');
      tasks.push({ literal: '}' });
      for (let i = entries.length - 1; i >= 0; i--) {
        tasks.push({ value: entries[i]![1] });
        tasks.push({ literal: `${JSON.stringify(entries[i]![0])}:` });
        if (i > 0) tasks.push({ literal: ',' });
      }
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  }
  return out.join('');
}

/**
 * JSON texts: mutated documents serialised, or the serialised valid document with byte-level edits (truncation,
 * flipped bits, splices), decoded leniently, so that most are not JSON at all.
 *
 * @param valid - well-formed documents
 */
export function mutatedJsonText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return fc.oneof(
    mutatedJson(valid).map(jsonText),
    fc
      .tuple(valid, fc.array(byteMutation, { minLength: 1, maxLength: 3 }))
      .map(([doc, mutations]) => decoder.decode(mutations.reduce(applyByteMutation, encoder.encode(jsonText(doc))))),
  );
}
