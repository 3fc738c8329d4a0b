import { createTensor, type Tensor, type TensorDType } from '@clipseg/core';
import type * as Ort from 'onnxruntime-web';
import type { OrtWebModule } from './ort-web-module.js';

const SUPPORTED: ReadonlySet<string> = new Set<TensorDType>(['float32', 'float16', 'int64', 'int32', 'uint8', 'bool']);

/** Wraps a core tensor as an onnxruntime-web tensor without copying its data (onnxruntime copies it into WASM memory). */
export function toOrtTensor(ort: OrtWebModule, tensor: Tensor): Ort.Tensor {
  return new ort.Tensor(tensor.type, tensor.data as Ort.Tensor.DataType, [...tensor.dims]);
}

/** Converts an onnxruntime-web output to a core tensor (no copy where the layouts agree). */
export function fromOrtTensor(name: string, value: Ort.OnnxValue): Tensor {
  const t = value as Ort.Tensor;
  if (!SUPPORTED.has(t.type)) {
    throw new TypeError(`Output '${name}' has element type ${t.type}, which @clipseg/core tensors do not support.`);
  }
  let data = t.data as ArrayBufferView;
  // A Float16Array (where the browser has one) is exposed as its raw 16-bit words.
  if (t.type === 'float16' && !(data instanceof Uint16Array)) data = new Uint16Array(data.buffer, data.byteOffset, t.size);
  if (t.type === 'bool' && !(data instanceof Uint8Array)) data = new Uint8Array(data.buffer, data.byteOffset, t.size);
  return createTensor(t.type as TensorDType, t.dims, data as Tensor['data']);
}

/** Narrows onnxruntime's type names to core's, or `undefined` for types core does not model. */
export function coreDType(type: string): TensorDType | undefined {
  return SUPPORTED.has(type) ? (type as TensorDType) : undefined;
}
