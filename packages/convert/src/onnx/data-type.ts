/**
 * Element types the graph builder stores and declares, with their ONNX `TensorProto.DataType` codes.
 *
 * @module
 */

import { DTYPE_BYTES, type TensorDataTypeMap, type TensorDType } from '@clipseg/core';

/** Element types used in the CLIPSeg graphs: core's tensor dtypes (names as onnxruntime-common spells them). */
export type OnnxDataType = TensorDType;

/** `TensorProto.DataType` code of each {@link OnnxDataType}. */
export const ONNX_DATA_TYPE_CODES: Readonly<Record<OnnxDataType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

/** Bytes per element of each {@link OnnxDataType} in `raw_data` (core's table). */
export const ONNX_DATA_TYPE_BYTES: Readonly<Record<OnnxDataType, number>> = DTYPE_BYTES;

/** The typed array holding each {@link OnnxDataType} (float16 as raw 16-bit words). */
export type OnnxTypedArrayMap = TensorDataTypeMap;

/** Any typed array the builder accepts as tensor data. */
export type OnnxTypedArray = OnnxTypedArrayMap[OnnxDataType];

/** Number of elements of a fixed shape (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const d of dims) count *= d;
  return count;
}
