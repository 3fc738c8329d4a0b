import { backendContractTests } from '@clipseg/core/testing';
import { contractFixtureModel } from '@clipseg/core/testing';
import { MAX_SESSION_THREADS } from '@clipseg/core';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableExecutionProviders, createNodeBackend } from './onnxruntime-node-backend.js';

describe('onnxruntime-node backend: core contract (bytes)', () => {
  for (const t of backendContractTests({ createBackend: () => createNodeBackend() })) it(t.name, t.run);
});

describe('onnxruntime-node backend: core contract (intra-op spinning on)', () => {
  for (const t of backendContractTests({ createBackend: () => createNodeBackend({ intraOpSpinning: true }) })) it(t.name, t.run);
});

describe('onnxruntime-node backend: core contract (file paths)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clipseg-contract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const modelSource = (bytes: Uint8Array) => {
    const file = join(dir, `model-${n++}.onnx`);
    writeFileSync(file, bytes);
    return file;
  };
  for (const t of backendContractTests({ createBackend: () => createNodeBackend(), modelSource })) it(t.name, t.run);
});

describe('onnxruntime-node backend: execution providers', () => {
  it('always offers cpu', () => {
    expect(availableExecutionProviders()).toContain('cpu');
  });

  it('falls back to cpu with a reason when a provider is missing', async () => {
    const warnings: string[] = [];
    const backend = createNodeBackend({ onWarning: (m) => warnings.push(m) });
    const session = await backend.createSession(contractFixtureModel(), { executionProviders: ['no-such-ep', 'cpu'] });
    expect(session.info.executionProvider).toBe('cpu');
    expect(session.info.fallbackReason).toMatch(/no-such-ep is not available/);
    expect(warnings).toHaveLength(1);
    await session.dispose();
  });

  it.each([
    ['intraOpNumThreads', 1e9],
    ['intraOpNumThreads', MAX_SESSION_THREADS + 1],
    ['intraOpNumThreads', 1.5],
    ['interOpNumThreads', -1],
    ['interOpNumThreads', 1e9],
  ])('refuses %s %s with BACKEND_INVALID_OPTION, starting no threads (issue 14)', async (option, value) => {
    await expect(createNodeBackend().createSession(contractFixtureModel(), { [option]: value })).rejects.toMatchObject({
      code: 'BACKEND_INVALID_OPTION',
      message: expect.stringContaining(option),
    });
  });

  it('reports a missing model file as BACKEND_INVALID_MODEL', async () => {
    await expect(createNodeBackend().createSession('/nonexistent/model.onnx')).rejects.toMatchObject({ code: 'BACKEND_INVALID_MODEL' });
  });
});
