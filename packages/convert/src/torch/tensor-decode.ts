import type { CheckpointDType } from '../checkpoint/checkpoint-reader.js';
import { CHECKPOINT_DTYPE_BYTES } from './torch-dtypes.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Copies the elements of a strided view into a new contiguous (row-major)
 * buffer, element by element, with an iterative odometer (no recursion).
 * The caller has validated that every addressed element lies in `span`.
 *
 * @param span - storage bytes starting at the view's first element (its storage offset)
 * @param elementBytes - bytes per element
 * @param shape - the view's shape
 * @param stride - the view's strides, in elements
 * @param numel - product of `shape` (> 0)
 * @returns `numel × elementBytes` bytes in row-major order
 */
export function gatherStrided(span: Uint8Array, elementBytes: number, shape: readonly number[], stride: readonly number[], numel: number): Uint8Array {
  const out = new Uint8Array(numel * elementBytes);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let source = 0; // element offset inside span
  for (let k = 0; k < numel; k++) {
    const from = source * elementBytes;
    out.set(span.subarray(from, from + elementBytes), k * elementBytes);
    for (let d = rank - 1; d >= 0; d--) {
      const next = index[d]! + 1;
      if (next < shape[d]!) {
        index[d] = next;
        source += stride[d]!;
        break;
      }
      index[d] = 0;
      source -= (shape[d]! - 1) * stride[d]!;
    }
  }
  return out;
}

/**
 * IEEE binary16 bits to a number (exact: every half value is a float32).
 *
 * @param bits - the 16-bit pattern
 */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/**
 * Converts `count` contiguous little-endian elements of `dtype` to float32.
 * F32 and BF16 are bit-exact (BF16 is the upper half of a float32), F16 is
 * exact, F64 and integers are rounded to nearest (I64 via float64), BOOL gives
 * 0 or 1. The result never shares memory with `bytes`.
 *
 * @param bytes - `count × element size` bytes
 * @param dtype - element type
 * @param count - number of elements
 */
export function decodeToFloat32(bytes: Uint8Array, dtype: CheckpointDType, count: number): Float32Array {
  const size = CHECKPOINT_DTYPE_BYTES[dtype];
  if (bytes.byteLength !== count * size) throw new RangeError(`decodeToFloat32: expected ${String(count * size)} bytes, got ${String(bytes.byteLength)}.`);
  const out = new Float32Array(count);
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (dtype === 'U8') {
    out.set(bytes);
    return out;
  }
  if (dtype === 'BOOL') {
    for (let i = 0; i < count; i++) out[i] = bytes[i] === 0 ? 0 : 1;
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = float16ToNumber(view.getUint16(2 * i, true));
      break;
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      break;
    }
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, true));
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
  }
  return out;
}
