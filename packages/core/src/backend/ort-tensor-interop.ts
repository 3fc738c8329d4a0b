import type { Tensor, TensorDType } from '../tensor/tensor.js';
import { createTensor, TENSOR_ARRAY_TYPES } from '../tensor/tensor.js';

/** The fields of an onnxruntime-common tensor that a conversion reads (no dependency on onnxruntime). */
export interface OrtLikeTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  readonly size: number;
}

/** onnxruntime's element-type name as a core {@link TensorDType}, or `undefined` for types core does not model. */
export function ortTypeToDType(type: string): TensorDType | undefined {
  return type in TENSOR_ARRAY_TYPES ? (type as TensorDType) : undefined;
}

/**
 * Converts an onnxruntime output (node or web) to a core {@link Tensor} without copying where the layouts
 * agree: float16 arrives as raw 16-bit words (also from runtimes that hand out a `Float16Array`), bool as bytes.
 *
 * @throws TypeError for element types core tensors do not model (string, float64 …).
 */
export function tensorFromOrt(name: string, value: OrtLikeTensor): Tensor {
  const type = ortTypeToDType(value.type);
  if (type === undefined) throw new TypeError(`Output '${name}' has element type ${value.type}, which @clipseg/core tensors do not support.`);
  let data = value.data as ArrayBufferView;
  if (type === 'float16' && !(data instanceof Uint16Array)) data = new Uint16Array(data.buffer, data.byteOffset, value.size);
  if (type === 'bool' && !(data instanceof Uint8Array)) data = new Uint8Array(data.buffer, data.byteOffset, value.size);
  return createTensor(type, value.dims, data as Tensor['data']);
}
