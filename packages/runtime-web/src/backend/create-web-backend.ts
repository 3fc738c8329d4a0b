import { createOrtWebBackend, type WebBackend } from './create-ort-web-backend.js';
import type { WebBackendOptions } from './web-backend-options.js';

/**
 * The web backend on onnxruntime-web's default build (WebGPU through JSEP, and WASM): WebGPU when an adapter
 * exists, WASM otherwise, the reason in `session.info.fallbackReason`. onnxruntime-web is loaded with `import()`
 * on first use, in its own chunk. For smaller apps pick one build: `@clipseg/runtime-web/wasm` or `/webgpu`.
 *
 * @example
 * ```ts
 * const backend = createWebBackend({ wasmPaths: '/ort/' });
 * const seg = await loadCLIPSeg('https://example.com/rd64.bundle/', { backend });
 * console.log(seg.sessionInfo.decoder); // { executionProvider: 'webgpu' | 'wasm', fallbackReason?, threads }
 * ```
 */
export function createWebBackend(options: WebBackendOptions = {}): WebBackend {
  return createOrtWebBackend('all', () => import('onnxruntime-web'), options);
}
