import { tryDecodeUtf8 } from '@clipseg/core/utf8';
import { DEFAULT_UNPICKLER_LIMITS, pickleInvalid as invalid, pickleLimit as limit } from './pickle-limits.js';
import type { UnpicklerLimits } from './pickle-limits.js';
import { HIGHEST_PROTOCOL, OP, opcodeName } from './pickle-opcodes.js';
import { PickleStack } from './pickle-stack.js';
import { PyDict, PyFloat, PyGlobal, PyList, PyTuple, describePyValue } from './pickle-values.js';
import type { GlobalDescriptor, PyValue } from './pickle-values.js';
import { torchError } from './torch-checkpoint-error.js';

export { DEFAULT_UNPICKLER_LIMITS } from './pickle-limits.js';
export type { UnpicklerLimits } from './pickle-limits.js';

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /**
   * The allow-list: `module.name` → what that global is. Any other global is
   * refused with `TORCH_PICKLE_FORBIDDEN_GLOBAL`.
   */
  readonly globals: ReadonlyMap<string, GlobalDescriptor>;
  /** Resolves a BINPERSID persistent id; without it BINPERSID is refused. */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
  /** Resource limits; missing fields take {@link DEFAULT_UNPICKLER_LIMITS}. */
  readonly limits?: Partial<UnpicklerLimits>;
}

/**
 * Decodes a pickle (protocols 2–5, the opcodes `torch.save` writes) into
 * inert {@link PyValue}s, executing nothing.
 *
 * Globals resolve only through `options.globals`; REDUCE and NEWOBJ only
 * apply allow-listed host functions; BUILD is only accepted on dicts, whose
 * attribute state is recorded as data; APPEND/SETITEM only act on real lists
 * and dicts. The loop is iterative, so hostile nesting cannot overflow the JS
 * stack, and every resource is bounded by {@link UnpicklerLimits}.
 *
 * @param bytes - the pickle
 * @param options - the allow-list, the persistent-id resolver and limits
 * @returns the pickled object
 * @throws {@link TorchCheckpointError} `TORCH_PICKLE_INVALID`,
 *   `TORCH_PICKLE_UNSUPPORTED_OPCODE`, `TORCH_PICKLE_FORBIDDEN_GLOBAL`,
 *   `TORCH_PICKLE_TOO_DEEP`, `TORCH_PICKLE_LIMIT_EXCEEDED`, or whatever the
 *   allow-listed functions and `persistentLoad` throw
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PyValue {
  return new Unpickler(bytes, options).run();
}

class Unpickler {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #globals: ReadonlyMap<string, GlobalDescriptor>;
  readonly #persistentLoad: ((pid: PyValue) => PyValue) | undefined;
  readonly #limits: UnpicklerLimits;
  readonly #stack: PickleStack;
  #pos = 0;

  constructor(bytes: Uint8Array, options: UnpickleOptions) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#globals = options.globals;
    this.#persistentLoad = options.persistentLoad;
    this.#limits = { ...DEFAULT_UNPICKLER_LIMITS, ...options.limits };
    this.#stack = new PickleStack(this.#limits, () => this.#pos);
  }

  run(): PyValue {
    for (;;) {
      if (this.#step(this.#u8())) break;
    }
    return this.#stack.finish();
  }

  /** Executes one opcode; true at STOP. */
  #step(op: number): boolean {
    switch (op) {
      case OP.PROTO: {
        const version = this.#u8();
        if (version > HIGHEST_PROTOCOL) throw invalid(`pickle protocol ${String(version)} is newer than ${String(HIGHEST_PROTOCOL)}.`);
        return false;
      }
      case OP.FRAME: {
        const length = this.#u64('FRAME');
        if (length > this.#bytes.length - this.#pos) throw invalid(`a FRAME of ${String(length)} bytes runs past the end (truncated pickle).`);
        return false;
      }
      case OP.STOP:
        return true;
      case OP.MARK:
        this.#stack.mark();
        return false;
      case OP.POP:
        this.#stack.discard();
        return false;
      case OP.POP_MARK:
        this.#stack.popMark('POP_MARK');
        return false;
      case OP.NONE:
        this.#stack.push(null);
        return false;
      case OP.NEWTRUE:
        this.#stack.push(true);
        return false;
      case OP.NEWFALSE:
        this.#stack.push(false);
        return false;
      case OP.BININT:
        this.#stack.push(this.#view.getInt32(this.#take(4, 'BININT'), true));
        return false;
      case OP.BININT1:
        this.#stack.push(this.#u8());
        return false;
      case OP.BININT2:
        this.#stack.push(this.#view.getUint16(this.#take(2, 'BININT2'), true));
        return false;
      case OP.LONG1:
        this.#stack.push(this.#long(this.#u8()));
        return false;
      case OP.BINFLOAT:
        this.#stack.push(new PyFloat(this.#view.getFloat64(this.#take(8, 'BINFLOAT'), false)));
        return false;
      case OP.SHORT_BINUNICODE:
        this.#stack.push(this.#text(this.#u8()));
        return false;
      case OP.BINUNICODE:
        this.#stack.push(this.#text(this.#u32('BINUNICODE')));
        return false;
      case OP.BINUNICODE8:
        this.#stack.push(this.#text(this.#u64('BINUNICODE8')));
        return false;
      case OP.SHORT_BINBYTES:
        this.#stack.push(this.#raw(this.#u8()).slice());
        return false;
      case OP.BINBYTES:
        this.#stack.push(this.#raw(this.#u32('BINBYTES')).slice());
        return false;
      case OP.BINBYTES8:
        this.#stack.push(this.#raw(this.#u64('BINBYTES8')).slice());
        return false;
      case OP.EMPTY_TUPLE:
        this.#stack.push(new PyTuple([]));
        return false;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        this.#stack.push(this.#stack.tuple(this.#stack.popN(op - OP.TUPLE1 + 1, opcodeName(op))));
        return false;
      }
      case OP.TUPLE:
        this.#stack.push(this.#stack.tuple(this.#stack.popMark('TUPLE')));
        return false;
      case OP.EMPTY_LIST:
        this.#stack.push(new PyList());
        return false;
      case OP.LIST: {
        const list = new PyList();
        for (const item of this.#stack.popMark('LIST')) this.#stack.append(list, item);
        this.#stack.push(list);
        return false;
      }
      case OP.APPEND: {
        const item = this.#stack.pop('APPEND');
        this.#stack.append(this.#stack.topList('APPEND'), item);
        return false;
      }
      case OP.APPENDS: {
        const items = this.#stack.popMark('APPENDS');
        const list = this.#stack.topList('APPENDS');
        for (const item of items) this.#stack.append(list, item);
        return false;
      }
      case OP.EMPTY_DICT:
        this.#stack.push(new PyDict(false));
        return false;
      case OP.DICT: {
        const dict = new PyDict(false);
        this.#stack.setItems(dict, this.#stack.popMark('DICT'), 'DICT');
        this.#stack.push(dict);
        return false;
      }
      case OP.SETITEM: {
        const value = this.#stack.pop('SETITEM');
        const key = this.#stack.pop('SETITEM');
        this.#stack.setItems(this.#stack.topDict('SETITEM'), [key, value], 'SETITEM');
        return false;
      }
      case OP.SETITEMS: {
        const items = this.#stack.popMark('SETITEMS');
        this.#stack.setItems(this.#stack.topDict('SETITEMS'), items, 'SETITEMS');
        return false;
      }
      case OP.BINPUT:
        this.#stack.put(this.#u8());
        return false;
      case OP.LONG_BINPUT:
        this.#stack.put(this.#u32('LONG_BINPUT'));
        return false;
      case OP.MEMOIZE:
        this.#stack.memoize();
        return false;
      case OP.BINGET:
        this.#stack.get(this.#u8());
        return false;
      case OP.LONG_BINGET:
        this.#stack.get(this.#u32('LONG_BINGET'));
        return false;
      case OP.GLOBAL: {
        const module = this.#line('GLOBAL');
        const name = this.#line('GLOBAL');
        this.#stack.push(this.#resolveGlobal(module, name));
        return false;
      }
      case OP.STACK_GLOBAL: {
        const name = this.#stack.pop('STACK_GLOBAL');
        const module = this.#stack.pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string') throw invalid('STACK_GLOBAL needs two strings (module and name).');
        this.#stack.push(this.#resolveGlobal(module, name));
        return false;
      }
      case OP.INST: {
        // Protocol 0 instantiation: refused, but name the global when it is not allowed at all.
        const module = this.#line('INST');
        const name = this.#line('INST');
        this.#resolveGlobal(module, name);
        throw unsupported(op, this.#pos);
      }
      case OP.REDUCE: {
        const args = this.#stack.pop('REDUCE');
        const callable = this.#stack.pop('REDUCE');
        this.#stack.push(this.#apply(callable, args, 'REDUCE'));
        return false;
      }
      case OP.NEWOBJ: {
        const args = this.#stack.pop('NEWOBJ');
        const cls = this.#stack.pop('NEWOBJ');
        if (!(cls instanceof PyGlobal) || cls.descriptor.kind !== 'class') {
          throw invalid(`NEWOBJ needs an allow-listed class, got ${describePyValue(cls)}.`);
        }
        this.#stack.push(this.#apply(cls, args, 'NEWOBJ'));
        return false;
      }
      case OP.BUILD: {
        const state = this.#stack.pop('BUILD');
        this.#build(this.#stack.top('BUILD'), state);
        return false;
      }
      case OP.BINPERSID: {
        const pid = this.#stack.pop('BINPERSID');
        if (this.#persistentLoad === undefined) throw invalid('BINPERSID (a persistent id) appears but no resolver was given.');
        this.#stack.push(this.#persistentLoad(pid));
        return false;
      }
      default:
        throw unsupported(op, this.#pos - 1);
    }
  }

  // ── reading ────────────────────────────────────────────────────────────

  #take(n: number, what: string): number {
    const at = this.#pos;
    if (n > this.#bytes.length - at) throw invalid(`${what} at offset ${String(at)} needs ${String(n)} bytes but the pickle ends first (truncated).`);
    this.#pos = at + n;
    return at;
  }

  #u8(): number {
    if (this.#pos >= this.#bytes.length) throw invalid('the pickle ends without a STOP opcode (truncated).');
    return this.#bytes[this.#pos++]!;
  }

  #u32(what: string): number {
    return this.#view.getUint32(this.#take(4, what), true);
  }

  #u64(what: string): number {
    const at = this.#take(8, what);
    const high = this.#view.getUint32(at + 4, true);
    if (high >= 0x200000) throw invalid(`${what} at offset ${String(at)} has a length beyond 2^53.`);
    return high * 0x1_0000_0000 + this.#view.getUint32(at, true);
  }

  #raw(length: number): Uint8Array {
    if (length > this.#bytes.length - this.#pos) {
      throw invalid(`a ${String(length)}-byte string at offset ${String(this.#pos)} runs past the end of the pickle (truncated or lying length).`);
    }
    if (length > this.#limits.maxStringBytes) {
      throw limit('TORCH_PICKLE_LIMIT_EXCEEDED', `a ${String(length)}-byte string exceeds maxStringBytes ${String(this.#limits.maxStringBytes)}`, this.#pos);
    }
    const at = this.#take(length, 'a string');
    return this.#bytes.subarray(at, at + length);
  }

  #text(length: number): string {
    const at = this.#pos;
    const text = tryDecodeUtf8(this.#raw(length));
    if (text === undefined) throw invalid(`the string at offset ${String(at)} is not valid UTF-8.`);
    return text;
  }

  /** A newline-terminated line of GLOBAL / INST. */
  #line(what: string): string {
    const start = this.#pos;
    const end = this.#bytes.indexOf(0x0a, start);
    if (end < 0) throw invalid(`${what} at offset ${String(start)} has no terminating newline (truncated).`);
    const text = tryDecodeUtf8(this.#raw(end - start));
    this.#pos = end + 1;
    if (text === undefined) throw invalid(`${what} at offset ${String(start)} is not valid UTF-8.`);
    return text;
  }

  #long(length: number): number | bigint {
    const at = this.#take(length, 'LONG1');
    if (length === 0) return 0;
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.#bytes[at + i]!);
    if ((this.#bytes[at + length - 1]! & 0x80) !== 0) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  // ── globals and calls ──────────────────────────────────────────────────

  #resolveGlobal(module: string, name: string): PyGlobal {
    const qualified = `${module}.${name}`;
    const descriptor = this.#globals.get(qualified);
    if (descriptor === undefined) {
      throw torchError(
        'TORCH_PICKLE_FORBIDDEN_GLOBAL',
        `The checkpoint's pickle asks for the Python global ${JSON.stringify(qualified.slice(0, 200))}, which is not on the allow-list of tensor-rebuilding globals; the file was refused.`,
        { global: qualified, module, name, offset: this.#pos },
      );
    }
    return new PyGlobal(module, name, descriptor);
  }

  #apply(callable: PyValue, args: PyValue, what: string): PyValue {
    if (!(callable instanceof PyGlobal)) throw invalid(`${what} calls ${describePyValue(callable)}, which is not an allow-listed global.`);
    if (!(args instanceof PyTuple)) throw invalid(`${what} on ${callable.qualifiedName} needs a tuple of arguments, got ${describePyValue(args)}.`);
    const descriptor = callable.descriptor;
    if (descriptor.kind === 'callable') return descriptor.call(args);
    if (descriptor.kind === 'class') return descriptor.construct(args);
    throw invalid(`${what} calls ${callable.qualifiedName}, which may only be used as a value.`);
  }

  #build(target: PyValue, state: PyValue): void {
    if (!(target instanceof PyDict)) throw invalid(`BUILD (setting object state) is only accepted on dicts, not on ${describePyValue(target)}.`);
    // Python's BUILD takes `state` or `(state, slotstate)`; each is None or a dict of attributes.
    const parts = state instanceof PyTuple && state.items.length === 2 ? state.items : [state];
    const attributes = new Map(target.attributes);
    for (const part of parts) {
      if (part === null) continue;
      if (!(part instanceof PyDict)) throw invalid(`BUILD on a dict needs a dict of attributes, got ${describePyValue(part)}.`);
      for (const [key, value] of part.entries) {
        if (typeof key !== 'string') throw invalid('BUILD on a dict needs string attribute names.');
        attributes.set(key, value);
      }
    }
    target.attributes = attributes;
  }
}

function unsupported(op: number, offset: number): Error {
  return torchError(
    'TORCH_PICKLE_UNSUPPORTED_OPCODE',
    `The checkpoint's pickle uses ${opcodeName(op)} at offset ${String(offset)}, which this restricted reader does not accept.`,
    { opcode: op, offset },
  );
}
