import { createTensor, type Tensor, type TensorDType } from '@clipseg/core';
import * as ort from 'onnxruntime-node';

const SUPPORTED: ReadonlySet<string> = new Set<TensorDType>(['float32', 'float16', 'int64', 'int32', 'uint8', 'bool']);

/** Wraps a core tensor as an onnxruntime tensor without copying its data. */
export function toOrtTensor(tensor: Tensor): ort.Tensor {
  return new ort.Tensor(tensor.type, tensor.data as ort.Tensor.DataType, [...tensor.dims]);
}

/** Converts an onnxruntime output to a core tensor (no copy where the layouts agree). */
export function fromOrtTensor(name: string, value: ort.OnnxValue): Tensor {
  const t = value as ort.Tensor;
  if (!SUPPORTED.has(t.type)) {
    throw new TypeError(`Output '${name}' has element type ${t.type}, which @clipseg/core tensors do not support.`);
  }
  let data = t.data as ArrayBufferView;
  // A Float16Array (newer runtimes) is exposed as its raw 16-bit words.
  if (t.type === 'float16' && !(data instanceof Uint16Array)) data = new Uint16Array(data.buffer, data.byteOffset, t.size);
  if (t.type === 'bool' && !(data instanceof Uint8Array)) data = new Uint8Array(data.buffer, data.byteOffset, t.size);
  return createTensor(t.type as TensorDType, t.dims, data as Tensor['data']);
}

/** Narrows onnxruntime's type names to core's, or undefined for types core does not model. */
export function coreDType(type: string): TensorDType | undefined {
  return SUPPORTED.has(type) ? (type as TensorDType) : undefined;
}
