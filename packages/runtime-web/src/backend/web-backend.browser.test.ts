import { backendContractTests, contractFixtureModel } from '@clipseg/core/testing';
import { describe, expect, it } from 'vitest';
import { ortUrl } from '../../test/browser-fixtures.js';
import { createWasmBackend } from '../wasm.js';
import { createWebGpuBackend } from '../webgpu.js';
import { detectWebEnvironment, planThreads } from './web-environment.js';

describe('onnxruntime-web WASM backend: core contract', () => {
  for (const t of backendContractTests({ createBackend: () => createWasmBackend({ wasmPaths: ortUrl, numThreads: 2 }) })) it(t.name, t.run);
});

describe('environment and threads', () => {
  it('the test page is cross-origin isolated with SIMD, so WASM runs multi-threaded', async () => {
    expect(detectWebEnvironment()).toMatchObject({ crossOriginIsolated: true, wasmSimd: true });
    const backend = createWasmBackend({ wasmPaths: ortUrl, numThreads: 2 });
    expect(await backend.init()).toMatchObject({ flavour: 'wasm', ortVersion: '1.30.0', threads: 2 });
    const session = await backend.createSession(contractFixtureModel());
    expect(session.info).toMatchObject({ backend: 'onnxruntime-web', executionProvider: 'wasm', threads: 2 });
    expect(session.info.fallbackReason).toBeUndefined();
    await session.dispose();
  });

  it('plans one thread, with the reason, when the page is not cross-origin isolated', () => {
    const plan = planThreads({ crossOriginIsolated: false, hardwareConcurrency: 8, wasmSimd: true });
    expect(plan.threads).toBe(1);
    expect(plan.reason).toMatch(/Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy/);
    expect(planThreads({ crossOriginIsolated: true, hardwareConcurrency: 8, wasmSimd: true })).toEqual({ threads: 4 });
    expect(planThreads({ crossOriginIsolated: true, hardwareConcurrency: 8, wasmSimd: true }, 6)).toEqual({ threads: 6 });
  });
});

describe('fallbacks are reported in session.info', () => {
  it('the WASM build asked for webgpu runs on wasm and says why', async () => {
    const warnings: string[] = [];
    const backend = createWasmBackend({ wasmPaths: ortUrl, onWarning: (m) => warnings.push(m) });
    const session = await backend.createSession(contractFixtureModel(), { executionProviders: ['webgpu', 'wasm'] });
    expect(session.info.executionProvider).toBe('wasm');
    expect(session.info.fallbackReason).toMatch(/WASM-only build/);
    expect(warnings).toHaveLength(1);
    await session.dispose();
  });

  it('the WebGPU build without an adapter (Chromium without --enable-unsafe-webgpu) runs on wasm and says why', async () => {
    const backend = createWebGpuBackend({ wasmPaths: ortUrl });
    const status = await backend.init();
    expect(status.webgpu.available).toBe(false);
    const session = await backend.createSession(contractFixtureModel());
    expect(session.info.executionProvider).toBe('wasm');
    expect(session.info.fallbackReason).toMatch(/webgpu: .*(adapter|navigator\.gpu)/);
    await session.dispose();
  });
});
