import { describe, expect, inject, it } from 'vitest';
import { loadHubCheckpoint } from './hub-checkpoint.js';
import { cacheStorageBundleCache } from '../loading/bundle-cache.js';
import { createWasmBackend } from '../wasm.js';
import { loadCLIPSeg } from '../pipeline/load-clipseg.js';
import { ortUrl } from '../../test/browser-fixtures.js';

const endpoint = inject('hubOrigin');

describe('loadHubCheckpoint: a Hub repo by id, converted and cached in the page', () => {
  it('downloads, verifies, converts, runs, and then loads offline from the cache', async () => {
    const cache = cacheStorageBundleCache({ name: `hub-test-${Math.random()}` });
    const steps: string[] = [];
    const first = await loadHubCheckpoint('acme/tiny', { endpoint, cache, onProgress: (step) => steps.push(step) });
    expect(first.fromCache).toBe(false);
    expect(first.commit).toBe('f'.repeat(40));
    expect(steps).toEqual(expect.arrayContaining(['resolving acme/tiny', 'downloading model.safetensors', 'converting']));
    const backend = createWasmBackend({ wasmPaths: ortUrl });
    const seg = await loadCLIPSeg(first.files, { backend });
    const image = { width: 40, height: 30, channels: 3 as const, data: new Uint8Array(40 * 30 * 3).fill(128) };
    expect((await seg.segmentImage(image, 'a ball')).logits.dims).toEqual([1, 352, 352]);
    await seg.dispose();

    const again = await loadHubCheckpoint('acme/tiny', { endpoint, cache });
    expect(again.fromCache).toBe(true);
    const offline = await loadHubCheckpoint('acme/tiny', { endpoint: 'http://127.0.0.1:1', cache, offline: true });
    expect(offline.manifest).toEqual(first.manifest);
    await cache.clear();
  });

  it('gives typed errors: gated without a token, wrong checksum, unknown repo, offline miss', async () => {
    const cache = false as const;
    await expect(loadHubCheckpoint('acme/gated', { endpoint, cache })).rejects.toMatchObject({ code: 'HUB_UNAUTHORIZED' });
    expect((await loadHubCheckpoint('acme/gated', { endpoint, cache, token: 'hf_test' })).commit).toBe('f'.repeat(40));
    await expect(loadHubCheckpoint('acme/corrupt', { endpoint, cache })).rejects.toMatchObject({ code: 'HUB_CHECKSUM_MISMATCH' });
    await expect(loadHubCheckpoint('acme/missing', { endpoint, cache })).rejects.toMatchObject({ code: 'HUB_NOT_FOUND' });
    await expect(loadHubCheckpoint('acme/never', { endpoint, cache: cacheStorageBundleCache({ name: 'empty-hub-cache' }), offline: true })).rejects.toMatchObject({ code: 'HUB_OFFLINE' });
  });
});
