/**
 * `@clipseg/runtime-web`: CLIPSeg in the browser on onnxruntime-web: WASM (SIMD, threads) and WebGPU backends,
 * fetch loading with progress, integrity checks and caching, browser image I/O, and a worker wrapper.
 *
 * @packageDocumentation
 */

// Backends (onnxruntime-web is imported on first use, in its own chunk; `/wasm` and `/webgpu` pick one build)
export { createWebBackend } from './backend/create-web-backend.js';
export type { WebBackend, WebBackendStatus } from './backend/create-ort-web-backend.js';
export type { WasmPaths, WebBackendOptions } from './backend/web-backend-options.js';
export type { WebSessionInfo } from './backend/web-session-info.js';
export { detectWebEnvironment, planThreads } from './backend/web-environment.js';
export type { ThreadPlan, WebEnvironment } from './backend/web-environment.js';
export { probeWebGpuAdapter } from './backend/webgpu-adapter.js';
export type { WebGpuProbe } from './backend/webgpu-adapter.js';

// Loading (URLs with progress, integrity and a persistent cache; picked files and folders)
export { WebLoadError } from './errors/web-load-error.js';
export type { WebLoadErrorCode } from './errors/web-load-error.js';
export { fetchBytes } from './loading/fetch-bytes.js';
export type { DownloadProgress, FetchBytesOptions, FetchOutcome } from './loading/fetch-bytes.js';
export type { LoadProgress, LoadProgressListener } from './loading/load-progress.js';
export type { Integrity } from './loading/verify-entry.js';
export { urlFileSet } from './loading/url-file-set.js';
export type { UrlFileSet, UrlFileSetOptions } from './loading/url-file-set.js';
export { cacheStorageBundleCache, DEFAULT_CACHE_NAME } from './loading/bundle-cache.js';
export type { BundleCache, CacheStorageBundleCacheOptions } from './loading/bundle-cache.js';
export { opfsBundleCache } from './loading/opfs-bundle-cache.js';
export type { OpfsBundleCacheOptions } from './loading/opfs-bundle-cache.js';
export { blobSource } from './loading/blob-source.js';
export { directoryHandleFileSet, fileListFileSet } from './loading/picked-file-set.js';
export { bundleFileSet } from './pipeline/bundle-source.js';
export type { BundleSource } from './pipeline/bundle-source.js';
export { loadCLIPSeg } from './pipeline/load-clipseg.js';
export type { LoadCLIPSegOptions, WebCLIPSeg } from './pipeline/load-clipseg.js';

// Images
export { decodeImage } from './image/decode-image.js';
export type { WebDecodeImageOptions, WebImageSource } from './image/decode-image.js';
export { encodePng, toCanvas, toImageData } from './image/encode-image.js';
export { jpegExifOrientation } from './image/exif-orientation.js';
export { WebImageError } from './image/web-image-error.js';
export type { WebImageErrorCode } from './image/web-image-error.js';

// Off the main thread (the worker side is `@clipseg/runtime-web/worker`)
export { CLIPSegWorker, RemoteImageHandle } from './worker/clipseg-worker.js';
export type { CLIPSegWorkerCallOptions, CLIPSegWorkerLoadOptions, WorkerLike } from './worker/clipseg-worker.js';
export type { WorkerImage } from './worker/to-wire.js';
export type { WorkerBackendOptions, WorkerBundleSource } from './worker/protocol.js';
