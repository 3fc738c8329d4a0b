import { describe, expect, it } from 'vitest';
import { memoryFileSet } from '../loading/file-set.js';
import { CLIPSeg, type CLIPSegLoadOptions } from './clipseg.js';
import { createFakeBackend, createFakeBundle, type FakeBackendOptions } from '../testing/fake-clipseg-bundle.js';
import { fakeImageAdapter, type FakeImage } from '../testing/fake-image-adapter.js';

const img = (value: number, width = 40, height = 30): FakeImage => ({ width, height, value });

async function setup(options: { backend?: FakeBackendOptions; load?: Partial<CLIPSegLoadOptions<FakeImage>>; engineer?: boolean } = {}) {
  const bundle = createFakeBundle();
  const backend = createFakeBackend(options.backend);
  const images = fakeImageAdapter(options.engineer ?? true);
  const warnings: string[] = [];
  const seg = await CLIPSeg.load(memoryFileSet(bundle.files), backend, { images, onWarning: (m) => warnings.push(m), ...options.load });
  return { bundle, backend, images, seg, warnings };
}

const row = (t: { data: Float32Array; dims: readonly number[] }, i: number) => Array.from(t.data.subarray(i * t.dims[1]!, (i + 1) * t.dims[1]!));

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('CLIPSeg batching', () => {
  it('runs each graph once per call: texts deduplicated and padded to the longest, images and projector batched, one decoder run', async () => {
    const { seg, backend, bundle } = await setup();
    const handle = await seg.encodeImage(img(0.2));
    backend.runs.length = 0;
    const prompts = ['a cat', 'dog', { image: img(0.5) }, { image: img(0.7), box: { x: 1, y: 2, width: 10, height: 10 } }, { embedding: new Float32Array(8).fill(0.5) }, 'a cat', { text: 'dog' }];
    const result = await seg.segment(handle, prompts);
    expect(backend.runs.map((r) => r.graph)).toEqual(['text_encoder', 'vision_encoder', 'image_projector', 'decoder']);
    const [text, vision, projector, decoder] = backend.runs;
    // 'a cat' = bos a</w> cat</w> eos (4); 'dog' = bos d o g</w> eos (5): padded to 5.
    expect(text!.dims.input_ids).toEqual([2, 5]);
    expect(vision!.dims.pixel_values).toEqual([2, 3, 16, 16]);
    expect(projector!.dims.hidden_state).toEqual([2, bundle.tokens, bundle.visionHidden]);
    expect(decoder!.dims.conditional_embeddings).toEqual([7, 8]);
    expect(decoder!.dims.activation_0).toEqual([1, bundle.tokens, bundle.visionHidden]);
    expect(seg.stats).toMatchObject({ textRuns: 1, visionRuns: 2, projectorRuns: 1, decoderRuns: 1 });
    expect(result.logits.dims).toEqual([7, 16, 16]);
    expect(result.conditionalEmbeddings.dims).toEqual([7, 8]);
    expect(row(result.conditionalEmbeddings, 5)).toEqual(row(result.conditionalEmbeddings, 0));
    expect(row(result.conditionalEmbeddings, 6)).toEqual(row(result.conditionalEmbeddings, 1));
    expect(row(result.conditionalEmbeddings, 4)).toEqual(Array(8).fill(0.5));
  });

  it('gives the same embeddings batched as one at a time (padding never reaches the pooled row)', async () => {
    const { seg } = await setup({ load: { textCacheSize: 0 } });
    const batched = await seg.embed(['a cat', 'the dog on a sofa', { image: img(0.3) }, { image: img(0.9) }]);
    const single = await Promise.all(['a cat', 'the dog on a sofa', { image: img(0.3) }, { image: img(0.9) }].map((p) => seg.embed([p])));
    single.forEach((t, i) => expect(row(batched, i)).toEqual(row(t, 0)));
    expect(row(batched, 0)).not.toEqual(row(batched, 1));
    expect(row(batched, 2)).not.toEqual(row(batched, 3));
  });

  it('feeds the projector the deepest extract layer (activation_1 for extract_layers [0, 2, 1])', async () => {
    const seen: number[] = [];
    const { seg } = await setup({ backend: { beforeRun: (graph, feeds) => void (graph === 'image_projector' && seen.push((feeds.hidden_state!.data as Float32Array)[0]!)) } });
    await seg.embed({ image: img(0.4) });
    // The fake activation_k at token 0, feature 0 is mean · (k + 1) + 0.5 k; the mean pixel is 0.4 + 0.1.
    expect(seen[0]).toBeCloseTo(0.5 * 2 + 0.5, 6);
  });

  it('takes a single prompt without an array', async () => {
    const { seg } = await setup();
    const one = await seg.embed('a cat');
    expect(one.dims).toEqual([1, 8]);
    expect(row(one, 0)).toEqual(row(await seg.embed(['a cat']), 0));
  });
});

describe('CLIPSeg image handles', () => {
  it('reuses a handle: the vision tower runs once for several segment calls', async () => {
    const { seg } = await setup();
    const handle = await seg.encodeImage(img(0.1, 640, 480));
    expect(handle.imageSize).toEqual({ width: 640, height: 480 });
    const a = await seg.segment(handle, ['a cat']);
    const b = await seg.segment(handle, ['dog', 'a cat']);
    await seg.segment(handle, [{ embedding: Array(8).fill(1) }]);
    expect(seg.stats.visionRuns).toBe(1);
    expect(seg.stats.decoderRuns).toBe(3);
    expect(Array.from(b.logitsFor(1))).toEqual(Array.from(a.logitsFor(0)));
    expect(a.imageSize).toEqual({ width: 640, height: 480 });
    expect(a.imageId).toBe(handle.id);
  });

  it('splits a batched encode per image, identical to encoding each alone', async () => {
    const { seg, backend } = await setup();
    const images = [img(0.1, 10, 20), img(0.5, 30, 40), img(0.9, 50, 60)];
    const handles = await seg.encodeImages(images);
    expect(seg.stats.visionRuns).toBe(1);
    expect(backend.runs.at(-1)!.dims.pixel_values).toEqual([3, 3, 16, 16]);
    expect(handles.map((h) => h.imageSize)).toEqual(images.map((i) => ({ width: i.width, height: i.height })));
    expect(new Set(handles.map((h) => h.id)).size).toBe(3);
    for (const [i, image] of images.entries()) {
      const alone = await seg.segment(await seg.encodeImage(image), ['a cat']);
      const batched = await seg.segment(handles[i]!, ['a cat']);
      expect(Array.from(batched.logits.data)).toEqual(Array.from(alone.logits.data));
    }
    const first = await seg.segment(handles[0]!, 'a cat');
    const last = await seg.segment(handles[2]!, 'a cat');
    expect(Array.from(first.logits.data)).not.toEqual(Array.from(last.logits.data));
    expect(await seg.encodeImages([])).toEqual([]);
  });

  it('refuses disposed handles, handles of another pipeline and non-handles', async () => {
    const { seg } = await setup();
    const other = (await setup()).seg;
    const handle = await seg.encodeImage(img(0.1));
    const foreign = await other.encodeImage(img(0.1));
    handle.dispose();
    handle.dispose();
    expect(handle.disposed).toBe(true);
    await expect(seg.segment(handle, 'a cat')).rejects.toMatchObject({ code: 'PIPELINE_HANDLE_DISPOSED' });
    await expect(seg.segment(foreign, 'a cat')).rejects.toMatchObject({ code: 'PIPELINE_HANDLE_FOREIGN' });
    await expect(seg.segment({ id: 'x' } as never, 'a cat')).rejects.toMatchObject({ code: 'PIPELINE_HANDLE_FOREIGN' });
    expect(seg.stats.textRuns).toBe(0);
  });

  it('gives a handle\'s activations for training (the batched rows), refusing disposed and foreign handles', async () => {
    const { seg } = await setup();
    const other = (await setup()).seg;
    const [a, b] = await seg.encodeImages([img(0.1, 10, 20), img(0.9, 30, 40)]);
    const alone = await seg.encodeImage(img(0.9, 30, 40));
    const acts = seg.activations(b!);
    expect(acts.length).toBe(seg.config.extract_layers.length);
    expect(acts[0]!.dims[0]).toBe(1);
    acts.forEach((t, k) => expect(Array.from(t.data)).toEqual(Array.from(seg.activations(alone)[k]!.data)));
    expect(Array.from(seg.activations(a!)[0]!.data)).not.toEqual(Array.from(acts[0]!.data));
    expect(() => other.activations(a!)).toThrow(expect.objectContaining({ code: 'PIPELINE_HANDLE_FOREIGN' }));
    a!.dispose();
    expect(() => seg.activations(a!)).toThrow(expect.objectContaining({ code: 'PIPELINE_HANDLE_DISPOSED' }));
    await seg.dispose();
    expect(() => seg.activations(b!)).toThrow(expect.objectContaining({ code: 'PIPELINE_DISPOSED' }));
  });

  it('segmentImage encodes, segments and disposes in one call', async () => {
    const { seg } = await setup();
    const result = await seg.segmentImage(img(0.3, 7, 9), ['a cat', 'dog']);
    expect(result.imageSize).toEqual({ width: 7, height: 9 });
    expect(result.promptCount).toBe(2);
    expect(seg.stats).toMatchObject({ visionRuns: 1, decoderRuns: 1 });
    await expect(seg.segmentImage(img(0.3), [])).rejects.toMatchObject({ code: 'PIPELINE_EMPTY_PROMPTS' });
    expect(seg.stats.visionRuns).toBe(1);
  });
});

describe('CLIPSeg text cache', () => {
  it('answers repeated texts from the cache and counts hits', async () => {
    const { seg } = await setup();
    const first = await seg.embed(['a cat', 'dog']);
    const second = await seg.embed(['dog', 'a cat', 'a cat']);
    expect(seg.stats).toMatchObject({ textRuns: 1, textCacheHits: 2 });
    expect(row(second, 0)).toEqual(row(first, 1));
    expect(row(second, 1)).toEqual(row(first, 0));
    await seg.embed(['dog', 'bird']);
    expect(seg.stats).toMatchObject({ textRuns: 2, textCacheHits: 3 });
    seg.resetStats();
    expect(seg.stats).toEqual({ visionRuns: 0, textRuns: 0, projectorRuns: 0, decoderRuns: 0, textCacheHits: 0 });
  });

  it('keeps at most textCacheSize texts, evicting the least recently used', async () => {
    const { seg, backend } = await setup({ load: { textCacheSize: 2 } });
    await seg.embed('a');
    await seg.embed('b');
    await seg.embed('a'); // hit; 'b' is now the least recently used
    await seg.embed('c'); // evicts 'b'
    expect(seg.stats).toMatchObject({ textRuns: 3, textCacheHits: 1 });
    await seg.embed(['a', 'c']);
    expect(seg.stats).toMatchObject({ textRuns: 3, textCacheHits: 3 });
    await seg.embed(['b']);
    expect(seg.stats).toMatchObject({ textRuns: 4, textCacheHits: 3 });
    expect(backend.runs.filter((r) => r.graph === 'text_encoder').map((r) => r.dims.input_ids![0])).toEqual([1, 1, 1, 1]);
  });

  it('caches nothing with textCacheSize 0', async () => {
    const { seg } = await setup({ load: { textCacheSize: 0 } });
    await seg.embed(['a cat', 'a cat']);
    await seg.embed(['a cat']);
    expect(seg.stats).toMatchObject({ textRuns: 2, textCacheHits: 0 });
  });

  it('truncates prompts longer than the context, keeping end-of-text, and warns naming the prompt (again on cache hits)', async () => {
    const { seg, backend, warnings, bundle } = await setup();
    const long = 'abcdefghijklmnopqrstuvwxyz';
    const seen: bigint[][] = [];
    const spy = await setup({ backend: { beforeRun: (g, f) => void (g === 'text_encoder' && seen.push([...(f.input_ids!.data as BigInt64Array)])) } });
    await spy.seg.embed([long]);
    expect(seen[0]).toHaveLength(bundle.maxLength);
    expect(seen[0]!.at(-1)).toBe(BigInt(bundle.eosId));
    expect(spy.warnings).toHaveLength(1);
    expect(spy.warnings[0]).toContain(JSON.stringify(long));
    expect(spy.warnings[0]).toMatch(/28 tokens.*16/);
    await seg.embed([long, 'a cat']);
    await seg.embed([long]);
    expect(warnings).toHaveLength(2);
    expect(backend.runs.filter((r) => r.graph === 'text_encoder')).toHaveLength(1);
    // The toy vocabulary numbers the byte symbols from '!' (33): 'a' … 'n' are 64 … 77, none ending a word.
    expect(seen[0]!.map(Number)).toEqual([bundle.bosId, ...Array.from({ length: 14 }, (_, i) => 64 + i), bundle.eosId]);
    await seg.embed(long.slice(0, 10));
    expect(warnings).toHaveLength(2);
  });
});

describe('CLIPSeg prompts', () => {
  it('computes mixes as exact weighted sums (float64, rounded once), nested mixes included', async () => {
    const { seg } = await setup();
    const e = Array.from({ length: 8 }, (_, i) => i / 3 - 1);
    const base = await seg.embed(['a cat', 'dog', { image: img(0.2) }]);
    const [cat, dog, picture] = [row(base, 0), row(base, 1), row(base, 2)];
    const mixed = await seg.embed([
      { mix: [{ prompt: 'a cat', weight: 0.25 }, { prompt: { embedding: e }, weight: -2 }] },
      { mix: [{ prompt: { mix: [{ prompt: 'dog', weight: 3 }, { prompt: { image: img(0.2) }, weight: 0.5 }] }, weight: 0.1 }, { prompt: 'a cat', weight: 1 }] },
      { mix: [{ prompt: 'dog', weight: 1 }] },
    ]);
    expect(row(mixed, 0)).toEqual(cat.map((c, d) => Math.fround(0.25 * c + -2 * Math.fround(e[d]!))));
    expect(row(mixed, 1)).toEqual(cat.map((c, d) => Math.fround(0.1 * (3 * dog[d]! + 0.5 * picture[d]!) + c)));
    expect(row(mixed, 2)).toEqual(dog);
  });

  it('engineers visual prompts through the adapter (default mode crop-blur-darken with a mask or box)', async () => {
    const { seg, images } = await setup();
    const mask = img(0.05);
    const got = await seg.embed([
      { image: img(0.2), mask },
      { image: img(0.2), box: { x: 0, y: 0, width: 20, height: 5 }, mode: 'crop' },
      { image: img(0.2), mask, mode: 'none' },
    ]);
    expect(images.log.engineer.map((c) => c.region.mode)).toEqual(['crop-blur-darken', 'crop']);
    expect(images.log.engineer[0]!.region.mask).toBe(mask);
    const want = await seg.embed([{ image: img(0.2 + 6 + 0.05) }, { image: img(0.2 + 1 + 0.2) }, { image: img(0.2) }]);
    for (let i = 0; i < 3; i++) expect(row(got, i)).toEqual(row(want, i));
  });

  it('refuses empty, malformed and mis-sized prompts before running anything', async () => {
    const { seg, backend } = await setup();
    backend.runs.length = 0;
    const refuse = (prompts: unknown, code: string, message?: RegExp) =>
      expect(seg.embed(prompts as never)).rejects.toMatchObject({ code, ...(message ? { message: expect.stringMatching(message) } : {}) });
    await refuse([], 'PIPELINE_EMPTY_PROMPTS');
    await refuse(['a cat', '   '], 'PIPELINE_EMPTY_PROMPT', /prompts\[1\]/);
    await refuse({ text: '' }, 'PIPELINE_EMPTY_PROMPT');
    await refuse([42], 'PIPELINE_PROMPT_INVALID');
    await refuse([null], 'PIPELINE_PROMPT_INVALID');
    await refuse([{ txt: 'a cat' }], 'PIPELINE_PROMPT_INVALID', /none of the keys/);
    await refuse([{ text: 'a', image: img(0) }], 'PIPELINE_PROMPT_INVALID', /exactly one kind/);
    await refuse([{ text: 'a', weight: 2 }], 'PIPELINE_PROMPT_INVALID', /unknown key/);
    await refuse([{ text: 3 }], 'PIPELINE_PROMPT_INVALID');
    await refuse([{ image: img(0), mode: 'sharpen' }], 'PIPELINE_PROMPT_INVALID', /mode/);
    await refuse([{ image: img(0), mode: 'crop' }], 'PIPELINE_PROMPT_INVALID', /neither/);
    await refuse([{ image: img(0), box: { x: 0, y: 0, width: 0, height: 1 } }], 'PIPELINE_PROMPT_INVALID', /width/);
    await refuse([{ image: undefined }], 'PIPELINE_PROMPT_INVALID');
    await refuse([{ embedding: [1, 2, 3] }], 'PIPELINE_EMBEDDING_SIZE', /3 values.*projection_dim = 8/);
    await expect(seg.embed([{ embedding: new Float32Array(9) }])).rejects.toMatchObject({ details: { expected: 8, actual: 9 } });
    await refuse([{ embedding: [...Array(7).fill(0), Number.NaN] }], 'PIPELINE_PROMPT_INVALID', /finite/);
    await refuse([{ embedding: 'abc' }], 'PIPELINE_PROMPT_INVALID');
    await refuse([{ mix: [] }], 'PIPELINE_PROMPT_INVALID');
    await refuse([{ mix: [{ prompt: 'a', weight: 0 }, { prompt: 'b', weight: 0 }] }], 'PIPELINE_PROMPT_INVALID', /every weight is 0/);
    await refuse([{ mix: [{ prompt: 'a', weight: Infinity }] }], 'PIPELINE_PROMPT_INVALID', /weight/);
    await refuse([{ mix: [{ prompt: '', weight: 1 }] }], 'PIPELINE_EMPTY_PROMPT', /mix\[0\]\.prompt/);
    const cyclic: { mix: { prompt: unknown; weight: number }[] } = { mix: [] };
    cyclic.mix.push({ prompt: cyclic, weight: 1 });
    await refuse([cyclic], 'PIPELINE_PROMPT_INVALID', /deeper/);
    expect(backend.runs).toHaveLength(0);
  });

  it('needs an adapter for images and an engineer for engineered prompts', async () => {
    const noEngineer = await setup({ engineer: false });
    await expect(noEngineer.seg.embed([{ image: img(0), box: { x: 0, y: 0, width: 1, height: 1 } }])).rejects.toMatchObject({ code: 'PIPELINE_NO_ENGINEER' });
    await expect(noEngineer.seg.embed([{ image: img(0), mode: 'none' }])).resolves.toMatchObject({ dims: [1, 8] });

    const bundle = createFakeBundle();
    const textOnly = await CLIPSeg.load(memoryFileSet(bundle.files), createFakeBackend());
    await expect(textOnly.embed('a cat')).resolves.toMatchObject({ dims: [1, 8] });
    await expect(textOnly.encodeImage(img(0) as never)).rejects.toMatchObject({ code: 'PIPELINE_NO_IMAGE_ADAPTER' });
    await expect(textOnly.embed({ image: img(0) } as never)).rejects.toMatchObject({ code: 'PIPELINE_NO_IMAGE_ADAPTER' });
  });

  it('refuses an adapter that returns the wrong pixel tensor or size', async () => {
    const { seg, images } = await setup();
    const broken = await CLIPSeg.load(memoryFileSet(createFakeBundle().files), createFakeBackend(), {
      images: { ...images, preprocess: (list, config) => images.preprocess(list.slice(1), config) },
    });
    await expect(broken.encodeImages([img(0), img(1)])).rejects.toMatchObject({ code: 'PIPELINE_ADAPTER_INVALID', message: expect.stringMatching(/\[2, 3, 16, 16\]/) });
    await expect(seg.encodeImage(img(0, 0, 10))).rejects.toMatchObject({ code: 'PIPELINE_ADAPTER_INVALID' });
  });

  it('creates the image projector lazily, once', async () => {
    const { seg, backend } = await setup();
    expect(backend.sessions.map((s) => s.graph)).toEqual(['text_encoder', 'vision_encoder', 'decoder']);
    expect(seg.sessionInfo.image_projector).toBeUndefined();
    await Promise.all([seg.embed({ image: img(0.1) }), seg.embed({ image: img(0.2) })]);
    await seg.embed({ image: img(0.3) });
    expect(backend.sessions.map((s) => s.graph)).toEqual(['text_encoder', 'vision_encoder', 'decoder', 'image_projector']);
    expect(seg.sessionInfo).toMatchObject({ image_projector: { backend: 'fake', executionProvider: 'cpu' }, decoder: { backend: 'fake' } });
  });
});

describe('CLIPSeg results', () => {
  it('exposes per-prompt logits views and sigmoid probabilities', async () => {
    const { seg } = await setup();
    const result = await seg.segmentImage(img(0.2), ['a cat', 'dog']);
    expect([result.promptCount, result.height, result.width]).toEqual([2, 16, 16]);
    const view = result.logitsFor(1);
    expect(view.buffer).toBe(result.logits.data.buffer);
    expect(Array.from(view)).toEqual(Array.from(result.logits.data.subarray(256, 512)));
    const p = result.probabilitiesFor(1);
    p.forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-view[i]!)), 6));
    expect(() => result.logitsFor(2)).toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID_OPTIONS' }));
    expect(() => result.logitsFor(-1)).toThrow(/out of range/);
    expect(row(result.conditionalEmbeddings, 1)).toEqual(row(await seg.embed('dog'), 0));
  });
});

describe('CLIPSeg disposal and cancellation', () => {
  it('disposes every session once and refuses every later call', async () => {
    const { seg, backend } = await setup();
    const handle = await seg.encodeImage(img(0.1));
    await seg.embed({ image: img(0.1) });
    await Promise.all([seg.dispose(), seg.dispose()]);
    await seg.dispose();
    expect(seg.disposed).toBe(true);
    expect(handle.disposed).toBe(true);
    expect(backend.sessions.map((s) => [s.graph, s.disposed])).toEqual([
      ['text_encoder', true],
      ['vision_encoder', true],
      ['decoder', true],
      ['image_projector', true],
    ]);
    for (const call of [() => seg.embed('a cat'), () => seg.segment(handle, 'a cat'), () => seg.encodeImage(img(0)), () => seg.encodeImages([]), () => seg.segmentImage(img(0), 'a')]) {
      await expect(call()).rejects.toMatchObject({ code: 'PIPELINE_DISPOSED' });
    }
  });

  it('rejects a call in flight with PIPELINE_DISPOSED when the pipeline is disposed under it', async () => {
    const gate = deferred();
    const entered = deferred();
    const { seg } = await setup({
      backend: {
        beforeRun: (graph) => {
          if (graph !== 'decoder') return undefined;
          entered.release();
          return gate.promise;
        },
      },
    });
    const handle = await seg.encodeImage(img(0.1));
    const pending = seg.segment(handle, 'a cat');
    await entered.promise;
    await seg.dispose();
    gate.release();
    await expect(pending).rejects.toMatchObject({ code: 'PIPELINE_DISPOSED' });
  });

  it('disposes a projector that finishes loading after dispose', async () => {
    const bundle = createFakeBundle();
    const backend = createFakeBackend();
    const memory = memoryFileSet(bundle.files);
    const gate = deferred();
    const reading = deferred();
    let armed = false;
    const files = {
      location: 'gated',
      async readBytes(name: string) {
        if (armed && name === 'image_projector.onnx') {
          reading.release();
          await gate.promise;
        }
        return memory.readBytes(name);
      },
    };
    const seg = await CLIPSeg.load(files, backend, { images: fakeImageAdapter() });
    armed = true;
    const pending = seg.embed({ image: img(0.1) });
    await reading.promise;
    await seg.dispose();
    gate.release();
    await expect(pending).rejects.toMatchObject({ code: 'PIPELINE_DISPOSED' });
    expect(backend.sessions.map((s) => [s.graph, s.disposed])).toContainEqual(['image_projector', true]);
    expect(backend.sessions.every((s) => s.disposed)).toBe(true);
  });

  it('passes the signal to session.run and rejects with PIPELINE_ABORTED', async () => {
    const gate = deferred();
    let entered = deferred();
    const { seg, backend } = await setup({
      backend: {
        beforeRun: (graph) => {
          if (graph !== 'text_encoder') return undefined;
          entered.release();
          return gate.promise;
        },
      },
    });
    const controller = new AbortController();
    const pending = seg.embed('a cat', { signal: controller.signal });
    await entered.promise;
    controller.abort(new Error('user cancelled'));
    gate.release();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PIPELINE_ABORTED', cause: { code: 'BACKEND_ABORTED' } });
    expect(seg.stats.textRuns).toBe(0);

    backend.runs.length = 0;
    entered = deferred();
    const aborted = AbortSignal.abort();
    await expect(seg.encodeImage(img(0), { signal: aborted })).rejects.toMatchObject({ code: 'PIPELINE_ABORTED' });
    await expect(seg.segmentImage(img(0), 'a cat', { signal: aborted })).rejects.toMatchObject({ code: 'PIPELINE_ABORTED' });
    await expect(seg.embed('dog', { signal: aborted })).rejects.toMatchObject({ code: 'PIPELINE_ABORTED' });
    expect(backend.runs).toHaveLength(0);
    await expect(seg.embed('dog')).resolves.toMatchObject({ dims: [1, 8] });
  });
});
