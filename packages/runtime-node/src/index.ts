/**
 * `@clipseg/runtime-node`: CLIPSeg on Node.js through onnxruntime-node.
 *
 * @packageDocumentation
 */
export { availableExecutionProviders, createNodeBackend } from './backend/onnxruntime-node-backend.js';
export type { NodeBackendOptions } from './backend/onnxruntime-node-backend.js';
export { openFileSource } from './io/file-source.js';
export type { FileSource } from './io/file-source.js';
export { writeFileAtomic } from './io/write-file-atomic.js';
export type { WriteFileAtomicOptions } from './io/write-file-atomic.js';
export { openSafetensorsFile, writeSafetensorsFile } from './io/safetensors-file.js';
export type { WriteSafetensorsFileOptions } from './io/safetensors-file.js';
export { directoryFileSet } from './files/directory-file-set.js';
