import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@clipseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { goldenBundle, maxAbsDiff } from '../../test/golden-bundle.js';
import { decodeImage } from '../image/decode-image.js';
import { openSafetensorsFile } from '../io/safetensors-file.js';
import { loadCLIPSeg, type NodeCLIPSeg } from './load-clipseg.js';

const shared = sharedDir();
const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];
const HW = 352 * 352;

describeWithShared('loadCLIPSeg: image file → logits against the HF goldens', () => {
  let seg: NodeCLIPSeg;
  let ref: Awaited<ReturnType<typeof openSafetensorsFile>>;
  const image = (name: string) => decodeImage(join(shared, 'images', name));
  const golden = async (name: string) => (await ref.read(name)).data as Float32Array;

  beforeAll(async () => {
    seg = await loadCLIPSeg(await goldenBundle(shared), { verify: 'sha256' });
    ref = await openSafetensorsFile(join(shared, 'golden/clipseg-tiny-refined/golden.safetensors'));
  });
  afterAll(async () => {
    await seg?.dispose();
    await ref?.close();
  });

  it('case a: three text prompts on chelsea.png, one vision run', async () => {
    seg.resetStats();
    const result = await seg.segmentImage(await image('chelsea.png'), PROMPTS);
    expect(result.logits.dims).toEqual([3, 352, 352]);
    expect(maxAbsDiff(result.logits.data, await golden('a.logits'))).toBeLessThan(1e-4);
    expect(maxAbsDiff(result.conditionalEmbeddings.data, await golden('a.conditional_embeddings'))).toBeLessThan(1e-5);
    expect(seg.stats).toMatchObject({ visionRuns: 1, textRuns: 1, decoderRuns: 1 });
  });

  it('case a again on an encoded handle: no new vision run, text served from the cache', async () => {
    const handle = await seg.encodeImage(await image('chelsea.png'));
    seg.resetStats();
    const first = await seg.segment(handle, PROMPTS[0]!);
    const all = await seg.segment(handle, PROMPTS);
    expect(seg.stats.visionRuns).toBe(0);
    expect(seg.stats.textCacheHits).toBeGreaterThanOrEqual(3);
    expect(maxAbsDiff(first.logitsFor(0), (await golden('a.logits')).subarray(0, HW))).toBeLessThan(1e-4);
    expect(maxAbsDiff(all.logits.data, await golden('a.logits'))).toBeLessThan(1e-4);
    handle.dispose();
  });

  it('case c: an image prompt (clipseg_example_image.jpg, no engineering)', async () => {
    const result = await seg.segmentImage(await image('chelsea.png'), { image: await image('clipseg_example_image.jpg') });
    expect(maxAbsDiff(result.conditionalEmbeddings.data, await golden('c.conditional_embeddings'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(result.logits.data, await golden('c.logits'))).toBeLessThan(1e-4);
  });

  it('case d: given conditional embeddings on two images', async () => {
    const emb = (await ref.read('inputs.conditional_embeddings')) as Tensor<'float32'>;
    const d = await golden('d.logits');
    const [chelsea, example] = await seg.encodeImages([await image('chelsea.png'), await image('clipseg_example_image.jpg')]);
    const width = emb.dims[1]!;
    const r0 = await seg.segment(chelsea!, { embedding: emb.data.subarray(0, width) });
    const r1 = await seg.segment(example!, { embedding: emb.data.subarray(width, 2 * width) });
    expect(maxAbsDiff(r0.logits.data, d.subarray(0, HW))).toBeLessThan(1e-4);
    expect(maxAbsDiff(r1.logits.data, d.subarray(HW, 2 * HW))).toBeLessThan(1e-4);
  });

  it('case e: the synthetic 500×333 PNG with "a cat"', async () => {
    const result = await seg.segmentImage(await image('synthetic_random_500x333.png'), 'a cat');
    expect(result.imageSize).toEqual({ width: 500, height: 333 });
    expect(maxAbsDiff(result.logits.data, await golden('e.logits'))).toBeLessThan(1e-4);
  });

  it('embeds texts and images as HF get_text_features / get_image_features', async () => {
    const embeddings = await seg.embed([...PROMPTS, { image: await image('chelsea.png') }]);
    const width = embeddings.dims[1]!;
    expect(maxAbsDiff(embeddings.data.subarray(0, 3 * width), await golden('a.text_embeds'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(embeddings.data.subarray(3 * width), await golden('a.image_embeds'))).toBeLessThan(1e-5);
  });
});

describe('loadCLIPSeg errors', () => {
  it('says when a folder is a checkpoint rather than a bundle, or nothing at all', async () => {
    await expect(loadCLIPSeg('/nonexistent')).rejects.toMatchObject({ code: 'BUNDLE_NOT_FOUND', message: expect.stringMatching(/no manifest\.json/) });
    if (shared) {
      await expect(loadCLIPSeg(join(shared, 'golden/clipseg-tiny-refined'))).rejects.toMatchObject({
        code: 'BUNDLE_NOT_FOUND',
        message: expect.stringMatching(/is an HF checkpoint.*clipseg convert/),
      });
    }
  });

  it('calls a folder whose manifest.json is not a regular file a broken bundle (BUNDLE_MANIFEST_INVALID), as the CLI does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipseg-broken-bundle-'));
    try {
      mkdirSync(join(dir, 'manifest.json'));
      await expect(loadCLIPSeg(dir)).rejects.toMatchObject({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringMatching(/broken bundle.*Remove the folder/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
