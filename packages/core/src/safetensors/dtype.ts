import type { TensorDType } from '../tensor/tensor.js';

/**
 * Every dtype name of the safetensors format whose elements are whole bytes,
 * in the order of the reference implementation's `Dtype` enum (increasing
 * alignment). The sub-byte types `F4`, `F6_E2M3` and `F6_E3M2` are not
 * recognised and are refused as `SAFETENSORS_DTYPE_UNSUPPORTED`.
 */
export const SAFETENSORS_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

/**
 * A safetensors dtype name. All of them can be opened, listed, raw-read and
 * written; {@link SAFETENSORS_TO_TENSOR_DTYPE} says which become a core
 * `Tensor`.
 */
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

/** Bytes per element of each {@link SafetensorsDType}. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
};

/**
 * The core `Tensor` dtype each safetensors dtype is read as. `BF16` has no
 * tensor dtype of its own and is read as `float32` (exactly: every bfloat16
 * is a float32 with the low 16 bits zero). Dtypes not listed can only be read
 * with `readRaw`.
 */
export const SAFETENSORS_TO_TENSOR_DTYPE: Readonly<Partial<Record<SafetensorsDType, TensorDType>>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'float32',
  I64: 'int64',
  I32: 'int32',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** The safetensors dtype a core `Tensor` dtype is written as. */
export const TENSOR_TO_SAFETENSORS_DTYPE: Readonly<Record<TensorDType, SafetensorsDType>> = {
  float32: 'F32',
  float16: 'F16',
  int64: 'I64',
  int32: 'I32',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

const DTYPE_RANK: ReadonlyMap<string, number> = new Map(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

/**
 * True when `value` is a {@link SafetensorsDType} name.
 *
 * @param value - anything, typically a header's `dtype` field
 */
export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && DTYPE_RANK.has(value);
}

/**
 * Position of `dtype` in {@link SAFETENSORS_DTYPES} (larger means larger
 * alignment); the writer orders tensors by this, descending.
 *
 * @param dtype - a safetensors dtype
 */
export function safetensorsDTypeRank(dtype: SafetensorsDType): number {
  return DTYPE_RANK.get(dtype)!;
}
