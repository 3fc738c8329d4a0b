import type { Tensor } from '@clipseg/core';
import * as ort from 'onnxruntime-node';

/** Wraps a core tensor as an onnxruntime tensor without copying its data. (The way back is core's `tensorFromOrt`.) */
export function toOrtTensor(tensor: Tensor): ort.Tensor {
  return new ort.Tensor(tensor.type, tensor.data as ort.Tensor.DataType, [...tensor.dims]);
}
