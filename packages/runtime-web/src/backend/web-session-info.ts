import type { SessionInfo } from '@clipseg/core';

/** Core's {@link SessionInfo} plus what onnxruntime-web chose for the page. */
export interface WebSessionInfo extends SessionInfo {
  /** `'webgpu'` or `'wasm'`. */
  readonly executionProvider: 'webgpu' | 'wasm';
  /** WASM threads in use (1 = single-threaded). */
  readonly threads: number;
  /** Why WASM runs on fewer threads than asked (for example: the page is not cross-origin isolated). */
  readonly threadsReason?: string;
}
