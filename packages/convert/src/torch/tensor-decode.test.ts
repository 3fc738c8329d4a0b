import { describe, expect, it } from 'vitest';
import { decodeToFloat32, float16ToNumber, gatherStrided } from './tensor-decode.js';

function bytesOf(kind: 'f16' | 'bf16' | 'f64' | 'i64' | 'i32' | 'i16' | 'i8', values: readonly number[]): Uint8Array {
  const size = { f16: 2, bf16: 2, f64: 8, i64: 8, i32: 4, i16: 2, i8: 1 }[kind];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (kind === 'f16' || kind === 'bf16') view.setUint16(i * 2, v, true);
    else if (kind === 'f64') view.setFloat64(i * 8, v, true);
    else if (kind === 'i64') view.setBigInt64(i * 8, BigInt(v), true);
    else if (kind === 'i32') view.setInt32(i * 4, v, true);
    else if (kind === 'i16') view.setInt16(i * 2, v, true);
    else view.setInt8(i, v);
  });
  return out;
}

describe('float16ToNumber', () => {
  it('decodes normals, subnormals, zeros, infinities and NaN', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16ToNumber(0x0400)).toBe(2 ** -14);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7c00)).toBe(Infinity);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
    expect(float16ToNumber(0x3555)).toBe(0.333251953125);
  });
});

describe('decodeToFloat32', () => {
  it('converts every dtype', () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -2, 3.25]).buffer);
    expect([...decodeToFloat32(f32, 'F32', 3)]).toEqual([1.5, -2, 3.25]);
    expect([...decodeToFloat32(bytesOf('f16', [0x3c00, 0xc000]), 'F16', 2)]).toEqual([1, -2]);
    expect([...decodeToFloat32(bytesOf('bf16', [0x3f80, 0xc040, 0x3eab]), 'BF16', 3)]).toEqual([1, -3, Math.fround(0.333984375)]);
    expect([...decodeToFloat32(bytesOf('f64', [0.1, 1e300]), 'F64', 2)]).toEqual([Math.fround(0.1), Infinity]);
    expect([...decodeToFloat32(bytesOf('i64', [-5, 2 ** 40]), 'I64', 2)]).toEqual([-5, 2 ** 40]);
    expect([...decodeToFloat32(bytesOf('i32', [-7, 16777217]), 'I32', 2)]).toEqual([-7, 16777216]);
    expect([...decodeToFloat32(bytesOf('i16', [-300, 300]), 'I16', 2)]).toEqual([-300, 300]);
    expect([...decodeToFloat32(bytesOf('i8', [-1, 127]), 'I8', 2)]).toEqual([-1, 127]);
    expect([...decodeToFloat32(Uint8Array.of(0, 255), 'U8', 2)]).toEqual([0, 255]);
    expect([...decodeToFloat32(Uint8Array.of(0, 1, 2), 'BOOL', 3)]).toEqual([0, 1, 1]);
  });

  it('keeps bfloat16 NaN and infinities', () => {
    const out = decodeToFloat32(bytesOf('bf16', [0x7f80, 0xff80, 0x7fc1]), 'BF16', 3);
    expect(out[0]).toBe(Infinity);
    expect(out[1]).toBe(-Infinity);
    expect(out[2]).toBeNaN();
  });

  it('works on unaligned input and never shares memory with it', () => {
    const buffer = new Uint8Array(13);
    const inner = buffer.subarray(1);
    new DataView(inner.buffer, 1).setFloat32(0, 7, true);
    const out = decodeToFloat32(inner.subarray(0, 4), 'F32', 1);
    expect(out[0]).toBe(7);
    expect(out.buffer).not.toBe(buffer.buffer);
  });

  it('checks the byte count', () => {
    expect(() => decodeToFloat32(new Uint8Array(5), 'F32', 1)).toThrow(RangeError);
  });
});

describe('gatherStrided', () => {
  it('materialises a transposed view', () => {
    // storage [[0,1,2],[3,4,5]] viewed as its transpose: shape [3,2], stride [1,3]
    const span = Uint8Array.of(0, 1, 2, 3, 4, 5);
    expect([...gatherStrided(span, 1, [3, 2], [1, 3], 6)]).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('handles broadcast (stride 0), slices and multi-byte elements', () => {
    expect([...gatherStrided(Uint8Array.of(9), 1, [2, 3], [0, 0], 6)]).toEqual([9, 9, 9, 9, 9, 9]);
    expect([...gatherStrided(Uint8Array.of(0, 1, 2, 3, 4, 5, 6), 1, [3], [3], 3)]).toEqual([0, 3, 6]);
    const span = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect([...gatherStrided(span, 2, [3], [1], 3)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...gatherStrided(span, 2, [2], [2], 2)]).toEqual([1, 2, 5, 6]);
    expect([...gatherStrided(Uint8Array.of(4), 1, [], [], 1)]).toEqual([4]);
  });
});
