import { backendContractTests, contractFixtureModel } from '@clipseg/core/testing';
import { describe, expect, it } from 'vitest';
import { ortUrl } from '../../test/browser-fixtures.js';
import { createWebGpuBackend } from '../webgpu.js';

// Runs in the chromium-webgpu instance (--enable-unsafe-webgpu: SwiftShader, CPU-emulated WebGPU).
describe('onnxruntime-web WebGPU backend: core contract', () => {
  it('finds an adapter and runs on webgpu', async () => {
    const backend = createWebGpuBackend({ wasmPaths: ortUrl });
    expect((await backend.init()).webgpu).toEqual({ available: true });
    const session = await backend.createSession(contractFixtureModel());
    expect(session.info).toMatchObject({ executionProvider: 'webgpu' });
    expect(session.info.fallbackReason).toBeUndefined();
    await session.dispose();
  });
  for (const t of backendContractTests({ createBackend: () => createWebGpuBackend({ wasmPaths: ortUrl }) })) it(t.name, t.run);
});
