import type { Tensor } from '@clipseg/core';
import type * as Ort from 'onnxruntime-web';
import type { OrtWebModule } from './ort-web-module.js';

/**
 * Wraps a core tensor as an onnxruntime-web tensor without copying its data (onnxruntime copies it into WASM
 * memory). The way back is core's `tensorFromOrt`.
 */
export function toOrtTensor(ort: OrtWebModule, tensor: Tensor): Ort.Tensor {
  return new ort.Tensor(tensor.type, tensor.data as Ort.Tensor.DataType, [...tensor.dims]);
}
