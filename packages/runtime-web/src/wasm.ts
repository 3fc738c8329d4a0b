/**
 * `@clipseg/runtime-web/wasm`: the backend on onnxruntime-web's WASM-only build (`onnxruntime-web/wasm`),
 * the smallest: SIMD, multi-threaded when the page is cross-origin isolated.
 *
 * @packageDocumentation
 */
import { createOrtWebBackend, type WebBackend } from './backend/create-ort-web-backend.js';
import type { WebBackendOptions } from './backend/web-backend-options.js';

export type { WebBackend, WebBackendStatus } from './backend/create-ort-web-backend.js';
export type { WasmPaths, WebBackendOptions } from './backend/web-backend-options.js';
export type { WebSessionInfo } from './backend/web-session-info.js';

/**
 * A backend on `onnxruntime-web/wasm`, loaded with `import()` on first use (its own chunk). Asking it for
 * `webgpu` falls back to WASM with a reason.
 *
 * @example
 * ```ts
 * import { createWasmBackend } from '@clipseg/runtime-web/wasm';
 * const backend = createWasmBackend({ wasmPaths: '/ort/' });
 * ```
 */
export function createWasmBackend(options: WebBackendOptions = {}): WebBackend {
  return createOrtWebBackend('wasm', () => import('onnxruntime-web/wasm'), options);
}
