/** Where onnxruntime-web finds its `.wasm` (and, for the non-bundled builds, `.mjs`) files. */
export type WasmPaths = string | { readonly wasm?: string | URL; readonly mjs?: string | URL };

/** Options of the web backends (`createWebBackend`, `createWasmBackend`, `createWebGpuBackend`). */
export interface WebBackendOptions {
  /**
   * `ort.env.wasm.wasmPaths`: a URL prefix ending in `/` where the app serves onnxruntime-web's
   * `ort-wasm-simd-threaded*.wasm` files, or explicit URLs. When omitted, onnxruntime-web looks next to its own
   * module (`import.meta.url`), which works when the bundler emitted the `.wasm` as an asset (Vite does).
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * WASM threads: an integer from 1 to `MAX_SESSION_THREADS` (256), or 0 / omitted for the default,
   * onnxruntime-web's `min(4, ceil(cores / 2))` when the page is cross-origin isolated, else 1 (reported in
   * `session.info.threadsReason`). Anything else is refused with `BACKEND_INVALID_OPTION` when the backend is created.
   */
  readonly numThreads?: number;
  /**
   * Execution providers in order of preference, used when `SessionOptions.executionProviders` is not given.
   * Default `['webgpu', 'wasm']` for the WebGPU-capable builds and `['wasm']` for the WASM build. `'cpu'` means `'wasm'`.
   */
  readonly executionProviders?: readonly string[];
  /** Passed to `navigator.gpu.requestAdapter`. */
  readonly powerPreference?: 'low-power' | 'high-performance';
  /** `ort.env.logLevel`; default `'error'` (onnxruntime-web is chatty at `'warning'`). */
  readonly logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
  /** Receives one line when a session falls back from its preferred execution provider, or WASM runs on fewer threads than asked. */
  readonly onWarning?: (message: string) => void;
}
