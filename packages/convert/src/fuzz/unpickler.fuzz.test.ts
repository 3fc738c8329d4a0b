/**
 * Fuzzing the restricted unpickler (see docs/fuzzing.md) with arbitrary bytes, mutated state-dict pickles and
 * random opcode programs (every opcode, lying lengths, huge memo indices, deep nesting, forbidden globals): it
 * returns a value or throws a `TORCH_*` error, executes nothing outside the allow-list, and stays within its
 * limits; and any tree of Python values written as a pickle reads back equal.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, INTERESTING_INTEGERS, mutatedBytes, typedOutcome } from '../../../../fuzz/index.js';
import { PickleWriter } from '../../test/torch-builders/pickle-writer.js';
import { stateDictPickle } from '../../test/torch-builders/torch-file-builder.js';
import { OP } from '../torch/pickle-opcodes.js';
import { PyDict, PyFloat, PyHostObject, PyList, PyTuple } from '../torch/pickle-values.js';
import type { PyValue } from '../torch/pickle-values.js';
import { extractStateDict } from '../torch/state-dict.js';
import { STORAGE_OBJECT_TYPE } from '../torch/storage-ref.js';
import type { TorchStorageRef } from '../torch/storage-ref.js';
import { createTorchGlobals } from '../torch/torch-globals.js';
import { unpickle } from '../torch/unpickler.js';
import type { UnpicklerLimits } from '../torch/unpickler.js';

const CODES = 'TORCH_';
const globals = createTorchGlobals({ maxTensorElements: 2 ** 30, maxDims: 64 });
/** Small limits, so that the fuzzer reaches them. */
const limits: Partial<UnpicklerLimits> = { maxDepth: 32, maxStackSize: 5_000, maxMemoSize: 5_000, maxObjects: 20_000, maxStringBytes: 4_096 };

/** A storage of 2^20 float32 elements for any persistent id that looks like one (the archive is not under test here). */
function persistentLoad(pid: PyValue): PyValue {
  if (!(pid instanceof PyTuple) || pid.items.length !== 5) return null;
  const storage: TorchStorageRef = {
    key: '0',
    dtype: 'F32',
    location: 'cpu',
    numel: 1 << 20,
    byteLength: 4 << 20,
    entry: { name: 'archive/data/0', method: 0, flags: 0, crc32: 0, compressedSize: 4 << 20, size: 4 << 20, localHeaderOffset: 0 },
  };
  return new PyHostObject(STORAGE_OBJECT_TYPE, storage);
}

function run(bytes: Uint8Array): void {
  const outcome = typedOutcome(() => unpickle(bytes, { globals, persistentLoad, limits }), CODES);
  if (outcome.ok) typedOutcome(() => extractStateDict(outcome.value), CODES);
}

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((BigInt.asUintN(64, v) >> BigInt(8 * i)) & 0xffn));
const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];
const interestingU32 = fc.oneof(fc.constantFrom(...INTERESTING_INTEGERS.map((v) => Number(BigInt.asUintN(32, v)))), fc.nat({ max: 64 }));
const shortText = fc.string({ unit: 'binary', maxLength: 10 });

/** One opcode with plausible (sometimes lying) arguments. */
const instruction: fc.Arbitrary<number[]> = fc.oneof(
  fc.constantFrom(...Object.values(OP)).map((op) => [op]),
  fc.constantFrom(OP.MARK, OP.EMPTY_LIST, OP.EMPTY_DICT, OP.EMPTY_TUPLE, OP.NONE, OP.TUPLE1, OP.APPEND, OP.SETITEM, OP.TUPLE, OP.DICT, OP.MEMOIZE).map((op) => [op]),
  fc.nat({ max: 255 }).map((n) => [OP.BININT1, n]),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => [OP.BININT, ...u32(n)]),
  fc.uint8Array({ maxLength: 12 }).map((b) => [OP.LONG1, b.length, ...b]),
  fc.double().map((d) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, d, false);
    return [OP.BINFLOAT, ...b];
  }),
  shortText.map((s) => utf8(s)).map((b) => [OP.SHORT_BINUNICODE, b.length, ...b]),
  fc.tuple(interestingU32, shortText).map(([n, s]) => [OP.BINUNICODE, ...u32(n), ...utf8(s)]),
  fc.tuple(fc.constantFrom(...INTERESTING_INTEGERS), shortText).map(([n, s]) => [OP.BINUNICODE8, ...u64(n), ...utf8(s)]),
  fc.tuple(interestingU32, fc.uint8Array({ maxLength: 8 })).map(([n, b]) => [OP.BINBYTES, ...u32(n), ...b]),
  fc.tuple(fc.constantFrom(...INTERESTING_INTEGERS), fc.uint8Array({ maxLength: 8 })).map(([n, b]) => [OP.BINBYTES8, ...u64(n), ...b]),
  fc.nat({ max: 8 }).map((i) => [OP.BINPUT, i]),
  fc.nat({ max: 8 }).map((i) => [OP.BINGET, i]),
  interestingU32.map((i) => [OP.LONG_BINPUT, ...u32(i)]),
  interestingU32.map((i) => [OP.LONG_BINGET, ...u32(i)]),
  fc.nat({ max: 7 }).map((v) => [OP.PROTO, v]),
  fc.constantFrom(...INTERESTING_INTEGERS).map((n) => [OP.FRAME, ...u64(n)]),
  fc
    .tuple(
      fc.constantFrom('collections', 'torch._utils', 'torch', 'builtins', 'os', 'posix', '__builtin__'),
      fc.constantFrom('OrderedDict', '_rebuild_tensor_v2', '_rebuild_tensor', '_rebuild_parameter', 'FloatStorage', 'HalfStorage', 'eval', 'system', 'getattr'),
      fc.constantFrom(OP.GLOBAL, OP.INST),
    )
    .map(([module, name, op]) => [op, ...utf8(`${module}\n${name}\n`)]),
  fc.tuple(fc.constantFrom(OP.TUPLE1, OP.MARK, OP.EMPTY_LIST, OP.NONE, OP.BINGET), fc.integer({ min: 1, max: 300 })).map(([op, n]) => new Array<number>(n).fill(op)),
);

/** Random opcode programs, most starting with PROTO 2 and ending with STOP. */
const program: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.boolean(), fc.array(instruction, { maxLength: 40 }), fc.boolean())
  .map(([proto, body, stop]) => Uint8Array.from([...(proto ? [OP.PROTO, 2] : []), ...body.flat(), ...(stop ? [OP.STOP] : [])]));

/** A state dict pickle as torch.save writes it, of 0 to 3 tensors. */
const stateDict: fc.Arbitrary<Uint8Array> = fc
  .array(fc.record({ name: fc.string({ maxLength: 8 }), shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }), parameter: fc.boolean() }), { maxLength: 3 })
  .map((tensors) => stateDictPickle(tensors.map((t, i) => ({ ...t, storageKey: String(i), numel: t.shape.reduce((a, b) => a * b, 1) }))));

/** Python values, as the round trip writes them. */
type Tree = null | boolean | bigint | string | Uint8Array | { float: number } | { list: Tree[] } | { tuple: Tree[] } | { dict: [string, Tree][] };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.uint8Array({ maxLength: 8 }),
    fc.double({ noNaN: true }).map((float) => ({ float })),
    fc.array(tie('tree'), { maxLength: 4 }).map((list) => ({ list })),
    fc.array(tie('tree'), { maxLength: 4 }).map((tuple) => ({ tuple })),
    fc.uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), tie('tree')), { maxLength: 4, selector: ([k]) => k }).map((dict) => ({ dict })),
  ),
})).tree;

function write(w: PickleWriter, value: Tree): void {
  if (value === null) w.none();
  else if (typeof value === 'boolean') w.bool(value);
  else if (typeof value === 'bigint') w.int(value);
  else if (typeof value === 'string') w.str(value, value.length % 2 === 0);
  else if (value instanceof Uint8Array) w.bytes(value);
  else if ('float' in value) w.float(value.float);
  else if ('list' in value) {
    w.op(OP.EMPTY_LIST).mark();
    for (const item of value.list) write(w, item);
    w.op(OP.APPENDS);
  } else if ('tuple' in value) {
    w.mark();
    for (const item of value.tuple) write(w, item);
    w.op(OP.TUPLE);
  } else {
    w.op(OP.EMPTY_DICT).mark();
    for (const [key, item] of value.dict) {
      w.str(key);
      write(w, item);
    }
    w.op(OP.SETITEMS);
  }
}

/** The unpickled value in the shape of {@link Tree}. */
function plain(value: PyValue): Tree {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || value instanceof Uint8Array) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return BigInt(value);
  if (value instanceof PyFloat) return { float: value.value };
  if (value instanceof PyList) return { list: value.items.map(plain) };
  if (value instanceof PyTuple) return { tuple: value.items.map(plain) };
  if (value instanceof PyDict) return { dict: [...value.entries].map(([k, v]) => [k as string, plain(v)]) };
  throw new Error(`unexpected ${String(value)}`);
}

describe('unpickler fuzzing', () => {
  fuzzIt(
    'any tree of Python values reads back equal',
    300,
    fc.property(tree, (value) => {
      const w = new PickleWriter().proto(2);
      write(w, value);
      expect(plain(unpickle(w.op(OP.STOP).build(), { globals }))).toEqual(value);
    }),
  );
  fuzzIt('arbitrary bytes', 300, fc.property(fc.uint8Array({ maxLength: 256 }), run));
  fuzzIt('random opcode programs', 1500, fc.property(program, run));
  fuzzIt('bit flips, truncations and splices of state-dict pickles', 800, fc.property(mutatedBytes(stateDict, 6), run));
});
