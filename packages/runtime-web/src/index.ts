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
