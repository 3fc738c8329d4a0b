/**
 * `@clipseg/runtime-web/webgpu`: the backend on onnxruntime-web's WebGPU build (`onnxruntime-web/webgpu`):
 * WebGPU when an adapter exists, WASM otherwise.
 *
 * @packageDocumentation
 */
import { createOrtWebBackend, type WebBackend } from './backend/create-ort-web-backend.js';
import type { WebBackendOptions } from './backend/web-backend-options.js';

export type { WebBackend, WebBackendStatus } from './backend/create-ort-web-backend.js';
export type { WasmPaths, WebBackendOptions } from './backend/web-backend-options.js';
export type { WebSessionInfo } from './backend/web-session-info.js';

/**
 * A backend on `onnxruntime-web/webgpu`, loaded with `import()` on first use (its own chunk): sessions run on
 * WebGPU when `navigator.gpu` gives an adapter and fall back to WASM otherwise, with the reason in
 * `session.info.fallbackReason`.
 *
 * @example
 * ```ts
 * import { createWebGpuBackend } from '@clipseg/runtime-web/webgpu';
 * const backend = createWebGpuBackend({ wasmPaths: '/ort/' });
 * console.log(await backend.init()); // { webgpu: { available: false, reason: '…' }, threads: 4, … }
 * ```
 */
export function createWebGpuBackend(options: WebBackendOptions = {}): WebBackend {
  return createOrtWebBackend('webgpu', () => import('onnxruntime-web/webgpu'), options);
}
