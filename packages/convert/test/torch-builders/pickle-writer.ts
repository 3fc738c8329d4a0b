/**
 * A tiny pickle writer for tests: emits opcodes one by one, so tests can
 * build both the pickles torch.save writes and hostile ones. Not part of the
 * public API.
 */
import { encodeUtf8 } from '@clipseg/core/utf8';
import { OP } from '../../src/torch/pickle-opcodes.js';

/** Chainable pickle opcode emitter. */
export class PickleWriter {
  readonly #bytes: number[] = [];

  /** Appends raw bytes (opcodes or arguments). */
  raw(...bytes: number[]): this {
    for (const b of bytes) this.#bytes.push(b & 0xff);
    return this;
  }

  #u32(v: number): this {
    return this.raw(v, v >>> 8, v >>> 16, v >>> 24);
  }

  #u64(v: number): this {
    return this.#u32(v % 0x1_0000_0000).#u32(Math.floor(v / 0x1_0000_0000));
  }

  /** PROTO `version`. */
  proto(version = 2): this {
    return this.raw(OP.PROTO, version);
  }

  /** One opcode without arguments. */
  op(code: number): this {
    return this.raw(code);
  }

  /** GLOBAL `module\nname\n`. */
  global(module: string, name: string): this {
    this.raw(OP.GLOBAL);
    for (const b of encodeUtf8(`${module}\n${name}\n`)) this.raw(b);
    return this;
  }

  /** A string: SHORT_BINUNICODE when short and `short`, else BINUNICODE. */
  str(text: string, short = false): this {
    const bytes = encodeUtf8(text);
    if (short && bytes.length < 256) this.raw(OP.SHORT_BINUNICODE, bytes.length);
    else this.raw(OP.BINUNICODE).#u32(bytes.length);
    for (const b of bytes) this.raw(b);
    return this;
  }

  /** BINUNICODE8 string. */
  str8(text: string): this {
    const bytes = encodeUtf8(text);
    this.raw(OP.BINUNICODE8).#u64(bytes.length);
    for (const b of bytes) this.raw(b);
    return this;
  }

  /** SHORT_BINBYTES or BINBYTES. */
  bytes(data: Uint8Array): this {
    if (data.length < 256) this.raw(OP.SHORT_BINBYTES, data.length);
    else this.raw(OP.BINBYTES).#u32(data.length);
    for (const b of data) this.raw(b);
    return this;
  }

  /** An int with the smallest opcode pickle would use (BININT1, BININT2, BININT or LONG1). */
  int(value: number | bigint): this {
    const v = BigInt(value);
    if (v >= 0n && v < 256n) return this.raw(OP.BININT1, Number(v));
    if (v >= 0n && v < 65536n) return this.raw(OP.BININT2, Number(v), Number(v) >>> 8);
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return this.raw(OP.BININT).#u32(Number(BigInt.asUintN(32, v)));
    const out: number[] = [];
    let rest = v;
    for (;;) {
      out.push(Number(BigInt.asUintN(8, rest)));
      rest >>= 8n;
      const signBit = (out[out.length - 1]! & 0x80) !== 0;
      if ((rest === 0n && !signBit) || (rest === -1n && signBit)) break;
    }
    return this.raw(OP.LONG1, out.length, ...out);
  }

  /** BINFLOAT (big-endian double). */
  float(value: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, false);
    return this.raw(OP.BINFLOAT, ...b);
  }

  /** NEWTRUE / NEWFALSE. */
  bool(value: boolean): this {
    return this.raw(value ? OP.NEWTRUE : OP.NEWFALSE);
  }

  /** NONE. */
  none(): this {
    return this.raw(OP.NONE);
  }

  /** MARK. */
  mark(): this {
    return this.raw(OP.MARK);
  }

  /** BINPUT (index < 256) or LONG_BINPUT. */
  put(index: number): this {
    return index < 256 ? this.raw(OP.BINPUT, index) : this.raw(OP.LONG_BINPUT).#u32(index);
  }

  /** BINGET (index < 256) or LONG_BINGET. */
  get(index: number): this {
    return index < 256 ? this.raw(OP.BINGET, index) : this.raw(OP.LONG_BINGET).#u32(index);
  }

  /** A tuple of ints: EMPTY_TUPLE, TUPLE1–3 or MARK … TUPLE. */
  intTuple(values: readonly (number | bigint)[]): this {
    if (values.length === 0) return this.op(OP.EMPTY_TUPLE);
    if (values.length > 3) this.mark();
    for (const v of values) this.int(v);
    return this.op(values.length > 3 ? OP.TUPLE : OP.TUPLE1 + values.length - 1);
  }

  /** The bytes written so far. */
  build(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}
