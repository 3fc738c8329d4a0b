import { afterAll, expect, it } from 'vitest';
import { describeWithShared } from '@clipseg/core/testing';
import { fetchFixture, fixtureUrl, goldenFloats, maxAbsDiff, ortUrl } from '../../test/browser-fixtures.js';
import { decodeImage } from '../image/decode-image.js';
import { cacheStorageBundleCache } from '../loading/bundle-cache.js';
import { loadCLIPSeg } from '../pipeline/load-clipseg.js';
import { createWasmBackend } from '../wasm.js';
import { convertInBrowser } from './convert-in-browser.js';

const CHECKPOINT = ['config.json', 'model.safetensors', 'preprocessor_config.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

describeWithShared(`convertInBrowser`, () => {
  const cache = cacheStorageBundleCache({ name: `clipseg-convert-test-${Date.now()}` });
  afterAll(() => cache.clear());

  it('fetches the HF checkpoint, converts it in the page, caches the bundle, and runs it to the goldens', async () => {
    const url = fixtureUrl('shared/golden/clipseg-tiny-refined/');
    const stages: string[] = [];
    const first = await convertInBrowser(url, { cache, onProgress: (p) => stages.push(JSON.stringify(p)) });
    expect(first.fromCache).toBe(false);
    expect(stages.length).toBeGreaterThan(0);
    const seg = await loadCLIPSeg(first.files, { backend: createWasmBackend({ wasmPaths: ortUrl }), verify: 'sha256' });
    const result = await seg.segmentImage(await decodeImage(await fetchFixture('shared/images/synthetic_random_500x333.png')), 'a cat');
    expect(maxAbsDiff(result.logits.data, await goldenFloats('e.logits'))).toBeLessThan(1e-4);
    await seg.dispose();
    const offline: typeof fetch = (input, init) => (String(input).endsWith('config.json') ? fetch(input, init) : Promise.reject(new TypeError('offline')));
    const second = await convertInBrowser(url, { cache, fetch: offline });
    expect(second.fromCache).toBe(true);
    expect(second.manifest).toEqual(first.manifest);
  });

  it('converts files the user picked (fp16)', async () => {
    const files = await Promise.all(CHECKPOINT.map(async (name) => new File([(await fetchFixture(`shared/golden/clipseg-tiny-refined/${name}`)) as Uint8Array<ArrayBuffer>], name)));
    const { manifest } = await convertInBrowser(files, { dtype: 'fp16', cache: false });
    expect(manifest.dtype).toBe('fp16');
  });

  it('converts to int8 weights, and onnxruntime-web runs them close to the goldens', async () => {
    const files = await Promise.all(CHECKPOINT.map(async (name) => new File([(await fetchFixture(`shared/golden/clipseg-tiny-refined/${name}`)) as Uint8Array<ArrayBuffer>], name)));
    const converted = await convertInBrowser(files, { dtype: 'int8', cache: false });
    expect(converted.manifest.dtype).toBe('int8');
    const seg = await loadCLIPSeg(converted.files, { backend: createWasmBackend({ wasmPaths: ortUrl }) });
    const result = await seg.segmentImage(await decodeImage(await fetchFixture('shared/images/synthetic_random_500x333.png')), 'a cat');
    // int8 is not the reference (the fp32 graphs are): a sanity bound on logits that range about ±6.
    expect(maxAbsDiff(result.logits.data, await goldenFloats('e.logits'))).toBeLessThan(0.5);
    await seg.dispose();
  });
});

