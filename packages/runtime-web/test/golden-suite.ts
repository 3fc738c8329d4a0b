// The golden cases of ../shared/golden/clipseg-tiny-refined, run in the browser on a given backend: the fp32 bundle
// against the HF references (logits atol 1e-4, embeddings 1e-5), and the fp16 bundle against the fp32 one.
import { createTensor, type Backend, type Tensor } from '@clipseg/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithShared } from '@clipseg/core/testing';
import { decodeImage } from '../src/image/decode-image.js';
import { loadCLIPSeg, type WebCLIPSeg } from '../src/pipeline/load-clipseg.js';
import { fetchFixture, fixtureUrl, goldenFloats, goldenReader, maxAbsDiff } from './browser-fixtures.js';

const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];
const HW = 352 * 352;

/** Max errors per case, printed at the end for the README and the report. */
const errors: Record<string, number> = {};
const record = (name: string, value: number) => {
  errors[name] = value;
  return value;
};

/** Options of {@link goldenSuite}. */
export interface GoldenSuiteOptions {
  /** Per-test timeout (SwiftShader's CPU-emulated WebGPU is slow, the more so beside the node tests on 2 cores). */
  readonly timeout?: number;
  /** Also compare the fp16 bundle with the fp32 one (default true). */
  readonly fp16?: boolean;
}

export function goldenSuite(label: string, createBackend: () => Backend, expectProvider: 'wasm' | 'webgpu', options: GoldenSuiteOptions = {}): void {
  describeWithShared(`${label}: golden cases`, () => {
    let seg: WebCLIPSeg;
    const image = async (name: string) => decodeImage(await fetchFixture(`shared/images/${name}`));

    beforeAll(async () => {
      seg = await loadCLIPSeg(fixtureUrl('bundles/fp32/'), { backend: createBackend(), cache: false, verify: 'sha256' });
    });
    afterAll(async () => {
      await seg?.dispose();
      console.log(`${label} max abs errors: ${JSON.stringify(errors)}`);
    });

    it(`runs on ${expectProvider}`, () => {
      expect(seg.sessionInfo.decoder?.executionProvider).toBe(expectProvider);
    });

    it('case a: three text prompts on chelsea.png (decoded by the browser)', async () => {
      const result = await seg.segmentImage(await image('chelsea.png'), PROMPTS);
      expect(result.logits.dims).toEqual([3, 352, 352]);
      expect(record('a.logits', maxAbsDiff(result.logits.data, await goldenFloats('a.logits')))).toBeLessThan(1e-4);
      expect(record('a.conditional_embeddings', maxAbsDiff(result.conditionalEmbeddings.data, await goldenFloats('a.conditional_embeddings')))).toBeLessThan(1e-5);
    });

    it('case b: padding to 77 tokens gives the same text embeddings', async () => {
      const reader = await goldenReader();
      const ids = (await reader.read('inputs.input_ids_77')) as Tensor<'int64'>;
      const backend = createBackend();
      const session = await backend.createSession(await fetchFixture('bundles/fp32/text_encoder.onnx'));
      const out = await session.run({ input_ids: createTensor('int64', ids.dims, ids.data) });
      await session.dispose();
      expect(record('b.conditional_embeddings', maxAbsDiff(out.text_embeds!.data as Float32Array, await goldenFloats('b.conditional_embeddings')))).toBeLessThan(1e-5);
    });

    it('case c: an image prompt (clipseg_example_image.jpg, decoded by the browser)', async () => {
      const result = await seg.segmentImage(await image('chelsea.png'), { image: await image('clipseg_example_image.jpg') });
      expect(record('c.conditional_embeddings', maxAbsDiff(result.conditionalEmbeddings.data, await goldenFloats('c.conditional_embeddings')))).toBeLessThan(1e-5);
      expect(record('c.logits', maxAbsDiff(result.logits.data, await goldenFloats('c.logits')))).toBeLessThan(1e-4);
    });

    it('case d: given conditional embeddings on two images', async () => {
      const emb = await goldenFloats('inputs.conditional_embeddings');
      const d = await goldenFloats('d.logits');
      const [chelsea, example] = await seg.encodeImages([await image('chelsea.png'), await image('clipseg_example_image.jpg')]);
      const r0 = await seg.segment(chelsea!, { embedding: emb.subarray(0, 24) });
      const r1 = await seg.segment(example!, { embedding: emb.subarray(24, 48) });
      const error = Math.max(maxAbsDiff(r0.logits.data, d.subarray(0, HW)), maxAbsDiff(r1.logits.data, d.subarray(HW, 2 * HW)));
      expect(record('d.logits', error)).toBeLessThan(1e-4);
    });

    it('case e: the synthetic 500×333 PNG with "a cat"', async () => {
      const result = await seg.segmentImage(await image('synthetic_random_500x333.png'), 'a cat');
      expect(result.imageSize).toEqual({ width: 500, height: 333 });
      expect(record('e.logits', maxAbsDiff(result.logits.data, await goldenFloats('e.logits')))).toBeLessThan(1e-4);
    });

    it('embeds texts and images as HF get_text_features / get_image_features', async () => {
      const embeddings = await seg.embed([...PROMPTS, { image: await image('chelsea.png') }]);
      expect(record('a.text_embeds', maxAbsDiff(embeddings.data.subarray(0, 72), await goldenFloats('a.text_embeds')))).toBeLessThan(1e-5);
      expect(record('a.image_embeds', maxAbsDiff(embeddings.data.subarray(72), await goldenFloats('a.image_embeds')))).toBeLessThan(1e-5);
    });

    it.skipIf(options.fp16 === false)('the fp16 bundle stays within fp16 rounding of the fp32 one (case a)', async () => {
      const half = await loadCLIPSeg(fixtureUrl('bundles/fp16/'), { backend: createBackend(), cache: false });
      try {
        expect(half.manifest.dtype).toBe('fp16');
        const chelsea = await image('chelsea.png');
        const [full, reduced] = [await seg.segmentImage(chelsea, PROMPTS), await half.segmentImage(chelsea, PROMPTS)];
        // @clipseg/convert measured 4.4e-3 on onnxruntime-node for this model; fp16 weights, fp32 compute.
        expect(record('fp16-vs-fp32.logits', maxAbsDiff(reduced.logits.data, full.logits.data))).toBeLessThan(5e-3);
        expect(record('fp16-vs-golden.logits', maxAbsDiff(reduced.logits.data, await goldenFloats('a.logits')))).toBeLessThan(5e-3);
      } finally {
        await half.dispose();
      }
    });
  }, { timeout: options.timeout ?? 60_000 });
}
