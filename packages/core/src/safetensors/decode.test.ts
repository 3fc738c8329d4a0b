import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  HOST_IS_LITTLE_ENDIAN,
  littleEndianBytes,
  littleEndianView,
  normalizeBoolBytes,
  swapByteOrder,
} from './decode.js';

/** Independent reference: the binary16 value from its fields, by formula. */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

describe('float16BitsToFloat32', () => {
  it('matches the formula for all 65536 bit patterns', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const out = float16BitsToFloat32(all);
    const bits = new Uint32Array(out.buffer);
    for (let h = 0; h < 65536; h++) {
      const expected = halfValue(h);
      if (Number.isNaN(expected)) {
        expect(Number.isNaN(out[h])).toBe(true);
        // sign and payload preserved
        expect(bits[h]! >>> 31).toBe(h >> 15);
        expect(bits[h]! & 0x7fffff).toBe((h & 0x3ff) << 13);
      } else if (!Object.is(out[h], expected)) {
        expect.fail(`half 0x${h.toString(16)} gave ${out[h]} instead of ${expected}`);
      }
    }
  });

  it('spot values', () => {
    expect([...float16BitsToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000]))]).toEqual([1, -2, 65504, 2 ** -24, -0]);
  });
});

describe('bfloat16BitsToFloat32', () => {
  it('places the bits in the top half of a float32', () => {
    const out = bfloat16BitsToFloat32(Uint16Array.from([0x3f80, 0xc000, 0x7f80, 0xff80, 0x0001, 0x8000, 0x4049]));
    expect([...out.slice(0, 6)]).toEqual([1, -2, Infinity, -Infinity, 2 ** -133, -0]);
    expect(out[6]).toBeCloseTo(3.140625, 10);
    expect(out[6]).toBe(3.140625);
  });

  it('keeps NaN payloads', () => {
    const out = bfloat16BitsToFloat32(Uint16Array.from([0x7fc1]));
    expect(new Uint32Array(out.buffer)[0]).toBe(0x7fc10000);
  });
});

describe('littleEndianView', () => {
  it('returns a view when aligned and a copy when not', () => {
    expect(HOST_IS_LITTLE_ENDIAN).toBe(true);
    const buffer = new Uint8Array(16);
    new DataView(buffer.buffer).setFloat32(4, 1.5, true);
    new DataView(buffer.buffer).setFloat32(9, -2.25, true);
    const aligned = littleEndianView(buffer.subarray(4, 8), Float32Array);
    expect(aligned.buffer).toBe(buffer.buffer);
    expect([...aligned]).toEqual([1.5]);
    const unaligned = littleEndianView(buffer.subarray(9, 13), Float32Array);
    expect(unaligned.buffer).not.toBe(buffer.buffer);
    expect([...unaligned]).toEqual([-2.25]);
  });

  it('decodes unaligned int64 exactly', () => {
    const buffer = new Uint8Array(17);
    new DataView(buffer.buffer).setBigInt64(1, -(2n ** 62n) - 5n, true);
    new DataView(buffer.buffer).setBigInt64(9, 2n ** 53n + 1n, true);
    expect([...littleEndianView(buffer.subarray(1), BigInt64Array)]).toEqual([-(2n ** 62n) - 5n, 2n ** 53n + 1n]);
  });

  it('rejects a byte length that is not a whole number of elements', () => {
    expect(() => littleEndianView(new Uint8Array(6), Float32Array)).toThrow(RangeError);
  });
});

describe('byte order helpers', () => {
  it('swapByteOrder reverses each element', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapByteOrder(bytes, 4);
    expect([...bytes]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapByteOrder(bytes, 1);
    expect([...bytes]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('littleEndianBytes views a typed array', () => {
    const array = Int32Array.from([0x01020304]);
    const bytes = littleEndianBytes(array);
    expect([...bytes]).toEqual([4, 3, 2, 1]);
    expect(bytes.buffer).toBe(array.buffer);
  });

  it('normalizeBoolBytes copies only when needed', () => {
    const clean = Uint8Array.from([0, 1, 1]);
    expect(normalizeBoolBytes(clean)).toBe(clean);
    expect([...normalizeBoolBytes(Uint8Array.from([0, 2, 255]))]).toEqual([0, 1, 1]);
  });
});
