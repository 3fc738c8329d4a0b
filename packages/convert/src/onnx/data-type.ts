/**
 * Element types the graph builder stores and declares, with their ONNX `TensorProto.DataType` codes.
 *
 * @module
 */

/** Element types used in the CLIPSeg graphs (names as onnxruntime-common spells them). */
export type OnnxDataType = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'bool';

/** `TensorProto.DataType` code of each {@link OnnxDataType}. */
export const ONNX_DATA_TYPE_CODES: Readonly<Record<OnnxDataType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

/** Bytes per element of each {@link OnnxDataType} in `raw_data`. */
export const ONNX_DATA_TYPE_BYTES: Readonly<Record<OnnxDataType, number>> = {
  float32: 4,
  float16: 2,
  int64: 8,
  int32: 4,
  uint8: 1,
  bool: 1,
};

/** The typed array holding each {@link OnnxDataType} (float16 as raw 16-bit words). */
export interface OnnxTypedArrayMap {
  float32: Float32Array;
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any typed array the builder accepts as tensor data. */
export type OnnxTypedArray = OnnxTypedArrayMap[OnnxDataType];

/** Number of elements of a fixed shape (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const d of dims) count *= d;
  return count;
}
