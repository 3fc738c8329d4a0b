import { backendContractTests } from '@clipseg/core/testing';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../wasm.js';

describe('onnxruntime-web WASM backend: core contract', () => {
  for (const t of backendContractTests({ createBackend: () => createWasmBackend() })) it(t.name, t.run);
});

describe('environment', () => {
  it('is cross-origin isolated', async () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    const status = await createWasmBackend().init();
    console.log(JSON.stringify(status));
  });
});
