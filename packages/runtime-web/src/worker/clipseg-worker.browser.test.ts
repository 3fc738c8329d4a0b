import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared } from '@clipseg/core/testing';
import { fetchFixture, fixtureUrl, goldenFloats, maxAbsDiff, ortUrl } from '../../test/browser-fixtures.js';
import { WebLoadError } from '../errors/web-load-error.js';
import type { LoadProgress } from '../loading/load-progress.js';
import { decodeImage } from '../image/decode-image.js';
import { CLIPSegWorker } from './clipseg-worker.js';

const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];
const spawn = () => new Worker(new URL('../../test/clipseg-test.worker.ts', import.meta.url), { type: 'module' });

describeWithShared(`CLIPSegWorker`, () => {
  let seg: CLIPSegWorker;
  const progress: LoadProgress[] = [];
  beforeAll(async () => {
    seg = await CLIPSegWorker.load(spawn(), fixtureUrl('bundles/fp32/'), { backend: { wasmPaths: ortUrl, numThreads: 2 }, cache: false, onProgress: (p) => progress.push(p) });
  });
  afterAll(() => seg?.dispose());

  it('loads in the worker, relaying progress and the session info', () => {
    expect(progress.at(-1)?.overall?.fraction).toBe(1);
    expect(seg.manifest.dtype).toBe('fp32');
    expect(seg.sessionInfo.decoder).toMatchObject({ backend: 'onnxruntime-web', executionProvider: 'wasm', threads: 2 });
  });

  it('segments a Blob with the golden prompts (case a) while the page stays responsive', async () => {
    const blob = new Blob([(await fetchFixture('shared/images/chelsea.png')) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const result = await seg.segmentImage(blob, PROMPTS);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(maxAbsDiff(result.logits.data, await goldenFloats('a.logits'))).toBeLessThan(1e-4);
    expect(result.imageSize).toEqual({ width: 451, height: 300 });
    // The main thread kept running its timers during the run (at least a third of the 5 ms ticks fired).
    expect(ticks).toBeGreaterThan(elapsed / 5 / 3);
  });

  it('takes decoded images and image prompts, and reuses encoded handles', async () => {
    const chelsea = await decodeImage(await fetchFixture('shared/images/chelsea.png'));
    const example = await decodeImage(await fetchFixture('shared/images/clipseg_example_image.jpg'));
    const before = chelsea.data.slice(0, 16);
    const handle = await seg.encodeImage(chelsea);
    expect(Array.from(chelsea.data.subarray(0, 16))).toEqual(Array.from(before)); // not detached
    const c = await seg.segment(handle, { image: example });
    expect(maxAbsDiff(c.logits.data, await goldenFloats('c.logits'))).toBeLessThan(1e-4);
    const a = await seg.segment(handle, PROMPTS[0]!);
    expect(maxAbsDiff(a.logitsFor(0), (await goldenFloats('a.logits')).subarray(0, 352 * 352))).toBeLessThan(1e-4);
    handle.dispose();
    await expect(seg.segment(handle, 'a cat')).rejects.toMatchObject({ code: 'PIPELINE_HANDLE_DISPOSED' });
    const embeddings = await seg.embed(PROMPTS);
    expect(maxAbsDiff(embeddings.data, await goldenFloats('a.text_embeds'))).toBeLessThan(1e-5);
  });

  it('an aborted call rejects with PIPELINE_ABORTED at once', async () => {
    const controller = new AbortController();
    const pending = seg.segmentImage(fixtureUrl('shared/images/chelsea.png'), 'a cat', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'PIPELINE_ABORTED' });
    // The worker is still usable afterwards.
    expect((await seg.embed('a cat')).dims).toEqual([1, 24]);
  });
});

describe('CLIPSegWorker errors', () => {
  it('rebuilds typed errors from the worker', async () => {
    const error = await CLIPSegWorker.load(spawn(), fixtureUrl('bundles/none/'), { cache: false, backend: { wasmPaths: ortUrl } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebLoadError);
    expect(error).toMatchObject({ code: 'WEB_NOT_FOUND' });
  });
});
