/**
 * Conversions between little-endian byte buffers and typed arrays, and the
 * exact half-precision → single-precision widenings (IEEE `F16` and `BF16`).
 */

/** A typed-array constructor whose instances can view an `ArrayBuffer`. */
export interface TypedArrayConstructor<T extends ArrayBufferView> {
  /** Bytes per element. */
  readonly BYTES_PER_ELEMENT: number;
  /** Creates a zero-filled array. */
  new (length: number): T;
  /** Creates a view of `buffer`. */
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
}

/** True when this machine stores multi-byte numbers little-endian (every mainstream platform). */
export const HOST_IS_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reverses the byte order of each `elementSize`-byte element of `bytes`, in place.
 *
 * @param bytes - a buffer whose length is a multiple of `elementSize`
 * @param elementSize - bytes per element (1 is a no-op)
 */
export function swapByteOrder(bytes: Uint8Array, elementSize: number): void {
  if (elementSize <= 1) return;
  for (let i = 0; i + elementSize <= bytes.length; i += elementSize) {
    for (let lo = i, hi = i + elementSize - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = t;
    }
  }
}

/**
 * Interprets little-endian element bytes as a typed array.
 *
 * Returns a view sharing memory with `bytes` when its byte offset is a
 * multiple of the element size and the host is little-endian; otherwise
 * (unaligned offset, or a big-endian host) returns a converted copy.
 *
 * @param bytes - `length × BYTES_PER_ELEMENT` bytes
 * @param Ctor - the typed array to build
 */
export function littleEndianView<T extends ArrayBufferView>(bytes: Uint8Array, Ctor: TypedArrayConstructor<T>): T {
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${size}-byte elements.`);
  }
  const length = bytes.byteLength / size;
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, length);
  const out = new Ctor(length);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  outBytes.set(bytes);
  if (!HOST_IS_LITTLE_ENDIAN) swapByteOrder(outBytes, size);
  return out;
}

/**
 * The little-endian bytes of a typed array: a view of its memory on a
 * little-endian host, a byte-swapped copy otherwise.
 *
 * @param array - any typed array
 */
export function littleEndianBytes(array: ArrayBufferView & { readonly BYTES_PER_ELEMENT: number }): Uint8Array {
  const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return view;
  const copy = view.slice();
  swapByteOrder(copy, array.BYTES_PER_ELEMENT);
  return copy;
}

/**
 * Widens IEEE 754 binary16 bit patterns to float32, exactly: every half
 * (subnormals, ±0, ±Infinity) maps to the float32 of the same value, and
 * NaNs stay NaN with their sign and payload.
 *
 * @param halves - raw 16-bit words
 */
export function float16BitsToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) {
      // ±0 and subnormals: mantissa × 2^-24 is exact in float32.
      out[i] = (sign ? -mantissa : mantissa) * 5.960464477539063e-8;
    } else if (exponent === 0x1f) {
      bits[i] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
    } else {
      bits[i] = (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
    }
  }
  return out;
}

/**
 * Widens bfloat16 bit patterns to float32. Lossless: a bfloat16 is the top
 * half of a float32, so the low 16 bits are simply zero.
 *
 * @param halves - raw 16-bit words
 */
export function bfloat16BitsToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i]! << 16;
  return out;
}

/**
 * Returns `bytes` with every non-zero byte replaced by 1 (a copy only when
 * some byte is not already 0 or 1), as `bool` tensors hold exactly 0 or 1.
 *
 * @param bytes - one byte per boolean
 */
export function normalizeBoolBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.every((b) => b <= 1)) return bytes;
  return bytes.map((b) => (b === 0 ? 0 : 1));
}
