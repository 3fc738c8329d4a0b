// Global setup of the root vitest config's browser project: converts the golden tiny checkpoint (fp32 and fp16)
// into bundles on the Node side, and serves them, ../shared and onnxruntime-web's files from a fixture server.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryFileSet } from '@clipseg/core';
import { convertCheckpoint, initRandomCheckpoint, randomCheckpointFiles } from '@clipseg/convert';
import type { TestProject } from 'vitest/node';
import { startFixtureServer } from './fixture-server.js';
import { startMockHubServer } from './mock-hub-server.js';

const here = dirname(fileURLToPath(import.meta.url));

async function writeBundles(shared: string, out: string): Promise<void> {
  const src = join(shared, 'golden/clipseg-tiny-refined');
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(src)) {
    if (name.startsWith('golden.') || name === 'pytorch_model.bin') continue;
    files[name] = new Uint8Array(readFileSync(join(src, name)));
  }
  for (const dtype of ['fp32', 'fp16'] as const) {
    const bundle = await convertCheckpoint(memoryFileSet(files, src), { dtype });
    const dir = join(out, dtype);
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of bundle.files) writeFileSync(join(dir, name), bytes);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = project.getProvidedContext().sharedDir;
  const bundles = mkdtempSync(join(tmpdir(), 'clipseg-web-fixtures-'));
  if (shared) await writeBundles(shared, bundles);
  const server = await startFixtureServer({ shared, bundles, ort: join(here, '../node_modules/onnxruntime-web/dist') });
  project.provide('fixtureOrigin', server.origin);
  const repoFiles = randomCheckpointFiles(initRandomCheckpoint('tiny', { seed: 4 }));
  const hub = await startMockHubServer({
    'acme/tiny': { files: repoFiles, lfs: ['model.safetensors'] },
    'acme/gated': { files: repoFiles, lfs: ['model.safetensors'], token: 'hf_test' },
    'acme/corrupt': { files: repoFiles, lfs: ['model.safetensors'], corrupt: ['model.safetensors'] },
  });
  project.provide('hubOrigin', hub.origin);
  return async () => {
    await hub.close();
    await server.close();
    rmSync(bundles, { recursive: true, force: true });
  };
}
