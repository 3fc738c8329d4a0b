/**
 * `@clipseg/core`: the runtime-agnostic heart of the CLIPSeg toolkit. No DOM,
 * no `node:` imports: HF configs, the CLIP tokenizer, tensor contracts,
 * safetensors I/O and the backend contract that runtimes implement.
 *
 * @packageDocumentation
 */

// Errors
export { ClipSegError, isClipSegError } from './errors.js';

// Tensors and tensor contracts
export { createTensor, isTensor, shapeSize, DTYPE_BYTES, TensorError } from './tensor/tensor.js';
export type { Tensor, TensorDType, TensorDataTypeMap, TensorErrorCode } from './tensor/tensor.js';
export { checkTensor, checkTensors, formatDims } from './tensor/tensor-spec.js';
export type { DimBindings, DimSpec, GraphContract, TensorSpec } from './tensor/tensor-spec.js';

// Backend contract
export type { AbortSignalLike, Backend, ModelSource, RunOptions, Session, SessionInfo, SessionOptions } from './backend/backend.js';
export { BackendError } from './backend/backend-error.js';
export type { BackendErrorCode } from './backend/backend-error.js';
export { BackendRegistry } from './backend/backend-registry.js';
export type { BackendFactory } from './backend/backend-registry.js';
export { validateRun } from './backend/validate-feeds.js';
