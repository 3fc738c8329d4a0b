import { describe, expect, it } from 'vitest';
import { MAX_SESSION_THREADS } from '@clipseg/core';
import { createOrtWebBackend } from './create-ort-web-backend.js';
import type { OrtWebLoader } from './ort-web-module.js';

// Never called: the checks run before onnxruntime-web is loaded.
const load: OrtWebLoader = () => Promise.reject(new Error('onnxruntime-web must not be loaded by these tests'));

describe('web backend thread bounds (issue 14)', () => {
  it.each([999_999, 1e9, -1, 1.5, Number.NaN, MAX_SESSION_THREADS + 1])('refuses numThreads %s when the backend is created', (numThreads) => {
    expect(() => createOrtWebBackend('wasm', load, { numThreads })).toThrow(expect.objectContaining({ code: 'BACKEND_INVALID_OPTION' }));
  });

  it.each([undefined, 0, 1, 4, MAX_SESSION_THREADS])('accepts numThreads %s', (numThreads) => {
    expect(() => createOrtWebBackend('wasm', load, { numThreads })).not.toThrow();
  });

  it('refuses bad session options before loading onnxruntime-web', async () => {
    const backend = createOrtWebBackend('wasm', load);
    await expect(backend.createSession(new Uint8Array(1), { intraOpNumThreads: 999_999 })).rejects.toMatchObject({ code: 'BACKEND_INVALID_OPTION' });
  });
});
