import { describe, expect, it } from 'vitest';
import { memoryFileSet } from '../loading/file-set.js';
import { CLIPSeg } from './clipseg.js';
import { PIPELINE_LIMITS, RUN_BATCH } from './pipeline-limits.js';
import { createFakeBackend, createFakeBundle } from '../testing/fake-clipseg-bundle.js';
import { MAX_CACHED_TEXT_LENGTH } from './text-embedder.js';
import { fakeImageAdapter, type FakeImage } from '../testing/fake-image-adapter.js';

const img = (value: number): FakeImage => ({ width: 40, height: 30, value });
const embedding = (i: number) => ({ embedding: Array.from({ length: 8 }, (_, d) => Math.sin(i * 7 + d)) });

async function setup() {
  const bundle = createFakeBundle();
  const backend = createFakeBackend();
  const warnings: string[] = [];
  const seg = await CLIPSeg.load(memoryFileSet(bundle.files), backend, { images: fakeImageAdapter(true), onWarning: (m) => warnings.push(m), textCacheSize: 0 });
  return { seg, backend, warnings, bundle };
}

const runsOf = (backend: ReturnType<typeof createFakeBackend>, graph: string) => backend.runs.filter((r) => r.graph === graph);

describe('CLIPSeg runs big calls in bounded batches (issue 14)', () => {
  it('runs the decoder over at most RUN_BATCH.decoder prompts at a time and assembles the same logits', async () => {
    const { seg, backend } = await setup();
    const handle = await seg.encodeImage(img(0.3));
    const prompts = Array.from({ length: 2 * RUN_BATCH.decoder + 5 }, (_, i) => embedding(i));
    backend.runs.length = 0;
    const result = await seg.segment(handle, prompts);
    expect(runsOf(backend, 'decoder').map((r) => r.dims.conditional_embeddings![0])).toEqual([RUN_BATCH.decoder, RUN_BATCH.decoder, 5]);
    expect(result.logits.dims).toEqual([prompts.length, 16, 16]);
    for (const [i, prompt] of prompts.entries()) {
      const single = await seg.segment(handle, [prompt]);
      expect(Array.from(result.logitsFor(i))).toEqual(Array.from(single.logitsFor(0)));
    }
  });

  it('runs the text encoder over at most RUN_BATCH.text texts at a time, each batch padded to its own longest row', async () => {
    const { seg, backend } = await setup();
    const texts = Array.from({ length: RUN_BATCH.text + 6 }, (_, i) => `cat ${'x'.repeat(i % 5)} ${i}`);
    const all = await seg.embed(texts);
    expect(runsOf(backend, 'text_encoder').map((r) => r.dims.input_ids![0])).toEqual([RUN_BATCH.text, 6]);
    for (const [i, text] of texts.entries()) expect(Array.from(all.data.subarray(i * 8, (i + 1) * 8))).toEqual(Array.from((await seg.embed([text])).data));
  });

  it('runs the vision encoder and projector over at most RUN_BATCH.vision images at a time', async () => {
    const { seg, backend } = await setup();
    const images = Array.from({ length: RUN_BATCH.vision + 3 }, (_, i) => img(i / 20));
    const handles = await seg.encodeImages(images);
    expect(runsOf(backend, 'vision_encoder').map((r) => r.dims.pixel_values![0])).toEqual([RUN_BATCH.vision, 3]);
    backend.runs.length = 0;
    const prompts = images.map((image, i) => (i % 2 === 0 ? { image } : { image, box: { x: 1, y: 1, width: 5, height: 5 } }));
    const batched = await seg.embed(prompts);
    expect(runsOf(backend, 'image_projector').map((r) => r.dims.hidden_state![0])).toEqual([RUN_BATCH.vision, 3]);
    for (const [i, prompt] of prompts.entries()) expect(Array.from(batched.data.subarray(i * 8, (i + 1) * 8))).toEqual(Array.from((await seg.embed([prompt])).data));
    const last = await seg.segment(handles.at(-1)!, ['a cat']);
    const alone = await seg.segment(await seg.encodeImage(images.at(-1)!), ['a cat']);
    expect(Array.from(last.logits.data)).toEqual(Array.from(alone.logits.data));
  });
});

describe('CLIPSeg refuses calls over PIPELINE_LIMITS before running anything (issue 14)', () => {
  it('segment: more than maxSegmentPrompts prompts', async () => {
    const { seg, backend } = await setup();
    const handle = await seg.encodeImage(img(0.3));
    backend.runs.length = 0;
    const prompts = Array.from({ length: PIPELINE_LIMITS.maxSegmentPrompts + 1 }, (_, i) => embedding(i));
    const error = { code: 'PIPELINE_TOO_MANY_PROMPTS', message: expect.stringMatching(/257 prompts.*256.*prompts\.slice\(0, 256\)/) };
    await expect(seg.segment(handle, prompts)).rejects.toMatchObject(error);
    await expect(seg.segmentImage(img(0.3), prompts)).rejects.toMatchObject(error);
    expect(backend.runs).toEqual([]);
    await expect(seg.segment(handle, prompts.slice(0, PIPELINE_LIMITS.maxSegmentPrompts))).resolves.toBeDefined();
  });

  it('embed: more than maxEmbedPrompts prompts, or more than maxPromptParts through mixes', async () => {
    const { seg, backend } = await setup();
    const many = Array.from({ length: PIPELINE_LIMITS.maxEmbedPrompts + 1 }, (_, i) => embedding(i));
    await expect(seg.embed(many)).rejects.toMatchObject({ code: 'PIPELINE_TOO_MANY_PROMPTS', details: { call: 'embed', max: PIPELINE_LIMITS.maxEmbedPrompts } });
    const parts = Array.from({ length: PIPELINE_LIMITS.maxPromptParts }, (_, i) => ({ prompt: `cat ${i}`, weight: 1 }));
    await expect(seg.embed([{ mix: parts }])).rejects.toMatchObject({ code: 'PIPELINE_TOO_MANY_PROMPTS', message: expect.stringContaining('maxPromptParts') });
    expect(backend.runs).toEqual([]);
    await expect(seg.embed(many.slice(0, 300))).resolves.toMatchObject({ dims: [300, 8] });
  });

  it('encodeImages: more than maxImagesPerCall images', async () => {
    const { seg, backend } = await setup();
    const images = Array.from({ length: PIPELINE_LIMITS.maxImagesPerCall + 1 }, () => img(0.1));
    await expect(seg.encodeImages(images)).rejects.toMatchObject({ code: 'PIPELINE_TOO_MANY_IMAGES', details: { count: 65, max: 64 } });
    expect(backend.runs).toEqual([]);
  });
});

describe('CLIPSeg tokenizes only a bounded prefix of a long text prompt (issue 14)', () => {
  it('embeds a 20 MB prompt as its truncation and warns that it has at least 1024 tokens', async () => {
    const { seg, warnings, bundle } = await setup();
    const head = 'a cat on a mat ';
    const huge = head.repeat(Math.ceil(20_000_000 / head.length));
    const [long, short] = [await seg.embed([huge]), await seg.embed([head.repeat(20)])];
    expect(Array.from(long.data)).toEqual(Array.from(short.data)); // both truncated to the same first tokens
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(new RegExp(`has at least 1024 tokens .*more than the ${bundle.maxLength}`));
  });
});

describe('CLIPSeg text cache holds no huge keys (issue 14)', () => {
  it('caches texts up to MAX_CACHED_TEXT_LENGTH characters, not longer ones', async () => {
    const cached = await CLIPSeg.load(memoryFileSet(createFakeBundle().files), createFakeBackend(), { textCacheSize: 4 });
    const long = 'a cat '.repeat(Math.ceil((MAX_CACHED_TEXT_LENGTH + 1) / 6));
    const short = 'a cat '.repeat(Math.floor(MAX_CACHED_TEXT_LENGTH / 6));
    await cached.embed([long, short]);
    await cached.embed([long, short]);
    expect(cached.stats).toMatchObject({ textRuns: 2, textCacheHits: 1 });
    await cached.dispose();
  });
});
