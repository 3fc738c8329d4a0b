/**
 * `@clipseg/core/ort`: what a backend over an onnxruntime flavour needs, typed structurally so that core depends on
 * no onnxruntime package. `createOrtSession` adapts an onnxruntime-common `InferenceSession` to a core `Session`
 * (onnxruntime-node's and onnxruntime-web's backends both use it); `tensorFromOrt` and `ortTypeToDType` convert
 * onnxruntime tensors and element types. Apps never need this entry: they use a runtime package's backend.
 *
 * @packageDocumentation
 */
export { createOrtSession } from '../backend/ort-session.js';
export type { OrtLikeOutput, OrtLikeSession, OrtLikeValueMetadata, OrtSessionAdapterOptions } from '../backend/ort-session.js';
export { ortTypeToDType, tensorFromOrt } from '../backend/ort-tensor-interop.js';
export type { OrtLikeTensor } from '../backend/ort-tensor-interop.js';
