import { CLIPSegError } from '../errors.js';

/** Element types a {@link Tensor} can hold; names match onnxruntime-common. */
export type TensorDType = 'float32' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** Maps each {@link TensorDType} to the typed array that stores it. */
export interface TensorDataTypeMap {
  float32: Float32Array;
  /** IEEE half floats stored as raw 16-bit words. */
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  /** One byte per element, 0 or 1. */
  bool: Uint8Array;
}

/**
 * A dense, row-major tensor. Shaped like onnxruntime-common's `Tensor`
 * (`type`, `dims`, `data`) so backends can pass data through without copying,
 * but with no dependency on any runtime.
 */
export interface Tensor<T extends TensorDType = TensorDType> {
  /** Element type. */
  readonly type: T;
  /** Shape; every entry a non-negative integer. */
  readonly dims: readonly number[];
  /** Elements in row-major order; `data.length` equals the product of `dims`. */
  readonly data: TensorDataTypeMap[T];
}

/** Error codes raised while building or checking tensors. */
export type TensorErrorCode = 'TENSOR_INVALID' | 'TENSOR_MISMATCH' | 'TENSOR_MISSING' | 'TENSOR_UNEXPECTED';

/** A tensor is malformed or does not match its {@link TensorSpec}. */
export class TensorError extends CLIPSegError<TensorErrorCode> {}

/** The typed-array constructor that stores each {@link TensorDType}. */
export const TENSOR_ARRAY_TYPES = {
  float32: Float32Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<TensorDType, number>> = {
  float32: 4,
  float16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** Number of elements of a shape (1 for a scalar). Throws on negative or fractional dims. */
export function shapeSize(dims: readonly number[]): number {
  let size = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TensorError('TENSOR_INVALID', `Invalid dimension ${String(d)} in shape [${dims.join(', ')}]: dims must be non-negative integers.`);
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) {
    throw new TensorError('TENSOR_INVALID', `Shape [${dims.join(', ')}] has more elements than can be addressed.`);
  }
  return size;
}

/**
 * Builds a {@link Tensor}, checking that `data` has the right array type and
 * length. With `data` omitted, allocates zeros.
 */
export function createTensor<T extends TensorDType>(type: T, dims: readonly number[], data?: TensorDataTypeMap[T] | readonly number[] | readonly bigint[]): Tensor<T> {
  const size = shapeSize(dims);
  const Ctor = TENSOR_ARRAY_TYPES[type] as unknown as { new (n: number | ArrayLike<number> | ArrayLike<bigint>): TensorDataTypeMap[T] };
  let array: TensorDataTypeMap[T];
  if (data === undefined) {
    array = new Ctor(size);
  } else if (ArrayBuffer.isView(data)) {
    if (!(data instanceof (TENSOR_ARRAY_TYPES[type] as unknown as abstract new (...args: never[]) => unknown))) {
      throw new TensorError('TENSOR_INVALID', `A ${type} tensor needs a ${TENSOR_ARRAY_TYPES[type].name}, got ${data.constructor.name}.`);
    }
    array = data;
  } else {
    array = new Ctor(type === 'int64' ? (data as readonly (number | bigint)[]).map((v) => BigInt(v)) : (data as ArrayLike<number>));
  }
  if (array.length !== size) {
    throw new TensorError('TENSOR_INVALID', `Tensor data has ${array.length} elements but shape [${dims.join(', ')}] needs ${size}.`, {
      details: { dims: [...dims], length: array.length },
    });
  }
  return { type, dims: Object.freeze([...dims]), data: array };
}

/** True when `value` looks like a {@link Tensor} (any implementation with the same fields). */
export function isTensor(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Tensor>;
  return typeof t.type === 'string' && t.type in TENSOR_ARRAY_TYPES && Array.isArray(t.dims) && ArrayBuffer.isView(t.data);
}
