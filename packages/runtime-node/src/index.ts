/**
 * `@clipseg/runtime-node`: CLIPSeg on Node.js through onnxruntime-node. The `clipseg` CLI, the Hub pull and the
 * default-bundle cache are in `@clipseg/cli`; the file-system building blocks tools share in
 * `@clipseg/runtime-node/io`.
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
export { isBundleDir } from './files/is-bundle-dir.js';
export { loadCLIPSeg } from './pipeline/load-clipseg.js';
export type { LoadCLIPSegOptions, NodeCLIPSeg } from './pipeline/load-clipseg.js';
export { decodeImage, DEFAULT_MAX_PIXELS, maxImageFileBytes } from './image/decode-image.js';
export type { DecodeImageOptions } from './image/decode-image.js';
export { encodePng } from './image/encode-png.js';
export { ImageError } from './image/image-error.js';
export type { ImageErrorCode } from './image/image-error.js';
export { writeDirectoryAtomic } from './io/write-directory-atomic.js';
export type { DirectoryFileContent, WriteDirectoryAtomicOptions } from './io/write-directory-atomic.js';
export { writeFilesAtomic } from './io/write-files-atomic.js';
