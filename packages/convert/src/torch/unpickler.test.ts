import { describe, expect, it } from 'vitest';
import { OP } from './pickle-opcodes.js';
import { PyDict, PyFloat, PyGlobal, PyHostObject, PyTuple } from './pickle-values.js';
import type { GlobalDescriptor, PyList, PyValue } from './pickle-values.js';
import { PickleWriter } from '../../test/torch-builders/pickle-writer.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { createTorchGlobals } from './torch-globals.js';
import { DEFAULT_TENSOR_REBUILD_LIMITS } from './tensor-rebuild.js';
import { unpickle } from './unpickler.js';
import type { UnpickleOptions } from './unpickler.js';

const globals = createTorchGlobals(DEFAULT_TENSOR_REBUILD_LIMITS);
const p = (): PickleWriter => new PickleWriter().proto(2);
const load = (bytes: Uint8Array, options?: Partial<UnpickleOptions>): PyValue => unpickle(bytes, { globals, ...options });

function refusal(fn: () => unknown): TorchCheckpointError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TorchCheckpointError);
    expect((error as Error).message).toContain('Nothing from the file was executed.');
    return error as TorchCheckpointError;
  }
  throw new Error('expected a refusal');
}

describe('unpickle: values', () => {
  it('decodes scalars', () => {
    expect(load(p().none().op(OP.STOP).build())).toBe(null);
    expect(load(p().bool(true).op(OP.STOP).build())).toBe(true);
    expect(load(p().bool(false).op(OP.STOP).build())).toBe(false);
    for (const n of [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31 - 1]) expect(load(p().int(n).op(OP.STOP).build())).toBe(n);
    expect(load(p().int(2 ** 40).op(OP.STOP).build())).toBe(2 ** 40);
    expect(load(p().int(-(2 ** 40)).op(OP.STOP).build())).toBe(-(2 ** 40));
    expect(load(p().int(2n ** 80n).op(OP.STOP).build())).toBe(2n ** 80n);
    expect(load(p().int(-(2n ** 80n)).op(OP.STOP).build())).toBe(-(2n ** 80n));
    expect(load(p().raw(OP.LONG1, 0).op(OP.STOP).build())).toBe(0);
    expect(load(p().float(1.5).op(OP.STOP).build())).toEqual(new PyFloat(1.5));
    expect(load(p().str('héllo').op(OP.STOP).build())).toBe('héllo');
    expect(load(p().str('short', true).op(OP.STOP).build())).toBe('short');
    expect(load(p().str8('eight').op(OP.STOP).build())).toBe('eight');
    expect(load(p().bytes(Uint8Array.of(1, 2, 3)).op(OP.STOP).build())).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('builds tuples, lists and dicts, with the memo', () => {
    const bytes = p()
      .op(OP.EMPTY_DICT)
      .put(0)
      .mark()
      .str('t')
      .intTuple([1, 2, 3, 4])
      .str('l')
      .op(OP.EMPTY_LIST)
      .put(1)
      .mark()
      .int(1)
      .int(2)
      .op(OP.APPENDS)
      .int(3)
      .op(OP.APPEND)
      .op(OP.SETITEMS)
      .str('again')
      .get(1)
      .op(OP.SETITEM)
      .int(7)
      .op(OP.MEMOIZE)
      .op(OP.POP)
      .op(OP.STOP)
      .build();
    const value = load(bytes) as PyDict;
    expect(value).toBeInstanceOf(PyDict);
    expect((value.entries.get('t') as PyTuple).items).toEqual([1, 2, 3, 4]);
    const list = value.entries.get('l') as PyList;
    expect(list.items).toEqual([1, 2, 3]);
    expect(value.entries.get('again')).toBe(list);
  });

  it('accepts OrderedDict with BUILD of _metadata attributes, as torch writes', () => {
    const bytes = p()
      .global('collections', 'OrderedDict')
      .op(OP.EMPTY_TUPLE)
      .op(OP.REDUCE)
      .str('x')
      .int(1)
      .op(OP.SETITEM)
      .op(OP.EMPTY_DICT)
      .str('_metadata')
      .global('collections', 'OrderedDict')
      .op(OP.EMPTY_TUPLE)
      .op(OP.REDUCE)
      .op(OP.SETITEM)
      .op(OP.BUILD)
      .op(OP.STOP)
      .build();
    const value = load(bytes) as PyDict;
    expect(value.ordered).toBe(true);
    expect(value.entries.get('x')).toBe(1);
    expect(value.attributes?.get('_metadata')).toBeInstanceOf(PyDict);
  });

  it('supports STACK_GLOBAL, NEWOBJ, FRAME and protocol 4', () => {
    const bytes = new PickleWriter()
      .proto(4)
      .raw(OP.FRAME, 20, 0, 0, 0, 0, 0, 0, 0)
      .str('collections', true)
      .str('OrderedDict', true)
      .op(OP.STACK_GLOBAL)
      .op(OP.EMPTY_TUPLE)
      .op(OP.NEWOBJ)
      .op(OP.STOP)
      .build();
    expect(load(bytes)).toBeInstanceOf(PyDict);
  });

  it('passes persistent ids to the resolver only', () => {
    const bytes = p().str('pid').op(OP.BINPERSID).op(OP.STOP).build();
    expect(load(bytes, { persistentLoad: (pid) => new PyHostObject('seen', pid) })).toEqual(new PyHostObject('seen', 'pid'));
    expect(refusal(() => load(bytes)).code).toBe('TORCH_PICKLE_INVALID');
  });
});

describe('unpickle: forbidden globals (nothing is executed)', () => {
  const evil = [
    ['os', 'system'],
    ['posix', 'system'],
    ['nt', 'system'],
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['__builtin__', 'exec'],
    ['__builtin__', 'getattr'],
    ['subprocess', 'Popen'],
    ['torch', 'load'],
    ['torch._utils', '_rebuild_tensor_v2.__globals__'],
    ['collections', 'OrderedDict.fromkeys'],
  ] as const;
  for (const [module, name] of evil) {
    it(`refuses ${module}.${name} via GLOBAL, STACK_GLOBAL and INST`, () => {
      const viaGlobal = p().global(module, name).str('id').op(OP.TUPLE1).op(OP.REDUCE).op(OP.STOP).build();
      const viaStack = new PickleWriter().proto(4).str(module, true).str(name, true).op(OP.STACK_GLOBAL).op(OP.STOP).build();
      const viaInst = new PickleWriter().mark().raw(OP.INST, ...new TextEncoder().encode(`${module}\n${name}\n`)).op(OP.STOP).build();
      for (const bytes of [viaGlobal, viaStack, viaInst]) {
        const error = refusal(() => load(bytes));
        expect(error.code).toBe('TORCH_PICKLE_FORBIDDEN_GLOBAL');
        expect(error.details?.['global']).toBe(`${module}.${name}`);
        expect(error.message).toContain(`${module}.${name}`);
      }
    });
  }

  it('refuses to call a storage class or a non-global', () => {
    expect(refusal(() => load(p().global('torch', 'FloatStorage').op(OP.EMPTY_TUPLE).op(OP.REDUCE).op(OP.STOP).build())).code).toBe('TORCH_PICKLE_INVALID');
    expect(refusal(() => load(p().str('os.system').op(OP.EMPTY_TUPLE).op(OP.REDUCE).op(OP.STOP).build())).code).toBe('TORCH_PICKLE_INVALID');
    expect(refusal(() => load(p().global('collections', 'OrderedDict').int(1).op(OP.TUPLE1).op(OP.REDUCE).op(OP.STOP).build())).code).toBe(
      'TORCH_PICKLE_INVALID',
    );
  });

  it('refuses BUILD on anything but a dict, and odd BUILD states', () => {
    expect(refusal(() => load(p().op(OP.EMPTY_LIST).op(OP.EMPTY_DICT).op(OP.BUILD).op(OP.STOP).build())).code).toBe('TORCH_PICKLE_INVALID');
    expect(refusal(() => load(p().op(OP.EMPTY_DICT).str('state').op(OP.BUILD).op(OP.STOP).build())).code).toBe('TORCH_PICKLE_INVALID');
  });

  it('refuses unsupported opcodes, naming them', () => {
    for (const op of [OP.EXT1, OP.OBJ, OP.PERSID, OP.NEWOBJ_EX, OP.DUP, OP.LONG4, OP.STRING, 0xff]) {
      const error = refusal(() => load(p().raw(op, 0, 0, 0, 0).op(OP.STOP).build()));
      expect(error.code).toBe('TORCH_PICKLE_UNSUPPORTED_OPCODE');
    }
    expect(refusal(() => load(new PickleWriter().proto(6).none().op(OP.STOP).build())).code).toBe('TORCH_PICKLE_INVALID');
  });
});

describe('unpickle: malformed and hostile structure', () => {
  it('refuses 100k nested MARKs with TOO_DEEP, without overflowing the stack', () => {
    const w = p();
    for (let i = 0; i < 100_000; i++) w.mark().op(OP.EMPTY_LIST);
    expect(refusal(() => load(w.op(OP.STOP).build())).code).toBe('TORCH_PICKLE_TOO_DEEP');
  });

  it('refuses 100k lists nested through the memo with TOO_DEEP', () => {
    const w = p().op(OP.EMPTY_LIST).put(0).op(OP.POP);
    for (let i = 0; i < 100_000; i++) w.op(OP.EMPTY_LIST).get(0).op(OP.APPEND).put(0).op(OP.POP);
    expect(refusal(() => load(w.get(0).op(OP.STOP).build())).code).toBe('TORCH_PICKLE_TOO_DEEP');
  });

  it('refuses deep tuple and dict nesting and self-referencing lists', () => {
    const tuples = p().none();
    for (let i = 0; i < 1000; i++) tuples.op(OP.TUPLE1);
    expect(refusal(() => load(tuples.op(OP.STOP).build())).code).toBe('TORCH_PICKLE_TOO_DEEP');
    const dicts = p().op(OP.EMPTY_DICT).put(0).op(OP.POP);
    for (let i = 0; i < 1000; i++) dicts.op(OP.EMPTY_DICT).str('k').get(0).op(OP.SETITEM).put(0).op(OP.POP);
    expect(refusal(() => load(dicts.get(0).op(OP.STOP).build())).code).toBe('TORCH_PICKLE_TOO_DEEP');
    const cycle = p().op(OP.EMPTY_LIST).put(0);
    for (let i = 0; i < 1000; i++) cycle.get(0).op(OP.APPEND);
    expect(refusal(() => load(cycle.op(OP.STOP).build())).code).toBe('TORCH_PICKLE_TOO_DEEP');
  });

  it('accepts nesting up to maxDepth', () => {
    const w = p().none();
    for (let i = 0; i < 10; i++) w.op(OP.TUPLE1);
    expect(load(w.op(OP.STOP).build(), { limits: { maxDepth: 10 } })).toBeInstanceOf(PyTuple);
    const deeper = p().none();
    for (let i = 0; i < 11; i++) deeper.op(OP.TUPLE1);
    expect(refusal(() => load(deeper.op(OP.STOP).build(), { limits: { maxDepth: 10 } })).code).toBe('TORCH_PICKLE_TOO_DEEP');
  });

  it('refuses every truncation of a valid pickle', () => {
    const bytes = p().mark().str('key').intTuple([1, 70000, 2 ** 31 - 1, 2 ** 40]).str('f').float(2.5).op(OP.DICT).op(OP.STOP).build();
    expect(load(bytes)).toBeInstanceOf(PyDict);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(refusal(() => load(bytes.subarray(0, cut))).code, `cut at ${String(cut)}`).toBe('TORCH_PICKLE_INVALID');
    }
  });

  it('refuses strings longer than the pickle or than maxStringBytes', () => {
    const lying = p().raw(OP.BINUNICODE, 0xff, 0xff, 0xff, 0x7f, 0x41).op(OP.STOP).build();
    expect(refusal(() => load(lying)).code).toBe('TORCH_PICKLE_INVALID');
    const huge8 = p().raw(OP.BINUNICODE8, 0, 0, 0, 0, 0, 0, 0x10, 0).op(OP.STOP).build();
    expect(refusal(() => load(huge8)).code).toBe('TORCH_PICKLE_INVALID');
    const long = p().str('x'.repeat(100)).op(OP.STOP).build();
    expect(refusal(() => load(long, { limits: { maxStringBytes: 99 } })).code).toBe('TORCH_PICKLE_LIMIT_EXCEEDED');
    const badUtf8 = p().raw(OP.SHORT_BINUNICODE, 2, 0xc3, 0x28).op(OP.STOP).build();
    expect(refusal(() => load(badUtf8)).code).toBe('TORCH_PICKLE_INVALID');
  });

  it('enforces the memo, object and stack limits', () => {
    const memo = p().none();
    for (let i = 0; i < 20; i++) memo.put(i);
    expect(refusal(() => load(memo.op(OP.STOP).build(), { limits: { maxMemoSize: 10 } })).code).toBe('TORCH_PICKLE_LIMIT_EXCEEDED');
    const objects = p().op(OP.EMPTY_LIST);
    for (let i = 0; i < 20; i++) objects.none().op(OP.APPEND);
    expect(refusal(() => load(objects.op(OP.STOP).build(), { limits: { maxObjects: 10 } })).code).toBe('TORCH_PICKLE_LIMIT_EXCEEDED');
    const stack = p().mark();
    for (let i = 0; i < 20; i++) stack.none();
    expect(refusal(() => load(stack.op(OP.LIST).op(OP.STOP).build(), { limits: { maxStackSize: 10 } })).code).toBe('TORCH_PICKLE_LIMIT_EXCEEDED');
  });

  it('refuses stack misuse', () => {
    const cases: PickleWriter[] = [
      p().op(OP.STOP), // empty stack
      p().none().none().op(OP.STOP), // leftovers
      p().mark().none().op(OP.STOP), // open MARK
      p().op(OP.TUPLE), // no MARK
      p().none().op(OP.TUPLE2).op(OP.STOP),
      p().get(3).op(OP.STOP), // memo miss
      p().op(OP.EMPTY_LIST).str('k').int(1).op(OP.SETITEM).op(OP.STOP), // SETITEM on a list
      p().op(OP.EMPTY_DICT).int(1).op(OP.APPEND).op(OP.STOP), // APPEND on a dict
      p().op(OP.EMPTY_DICT).mark().str('k').op(OP.SETITEMS).op(OP.STOP), // odd SETITEMS
      p().op(OP.EMPTY_DICT).op(OP.EMPTY_LIST).int(1).op(OP.SETITEM).op(OP.STOP), // unhashable key
      p().int(1).int(2).op(OP.STACK_GLOBAL).op(OP.STOP), // STACK_GLOBAL of ints
      p().raw(OP.GLOBAL, 0x6f, 0x73), // GLOBAL without newline
    ];
    for (const w of cases) expect(refusal(() => load(w.build())).code).toBe('TORCH_PICKLE_INVALID');
  });

  it('uses only the allow-list it is given', () => {
    const custom = new Map<string, GlobalDescriptor>([['m.f', { kind: 'callable', call: (args) => args.items.length }]]);
    const bytes = p().global('m', 'f').int(1).int(2).op(OP.TUPLE2).op(OP.REDUCE).op(OP.STOP).build();
    expect(unpickle(bytes, { globals: custom })).toBe(2);
    expect(load(p().global('torch', 'HalfStorage').op(OP.STOP).build())).toBeInstanceOf(PyGlobal);
    expect(refusal(() => unpickle(p().global('torch', 'HalfStorage').op(OP.STOP).build(), { globals: custom })).code).toBe(
      'TORCH_PICKLE_FORBIDDEN_GLOBAL',
    );
  });
});
