import { describe, expect, it } from 'vitest';
import { memoryFileSet } from '../loading/file-set.js';
import { CLIPSeg } from './clipseg.js';
import { createFakeBackend, createFakeBundle } from '../testing/fake-clipseg-bundle.js';
import { fakeImageAdapter, type FakeImage } from '../testing/fake-image-adapter.js';

const img = (value: number): FakeImage => ({ width: 40, height: 30, value });

async function setup() {
  const backend = createFakeBackend();
  const seg = await CLIPSeg.load(memoryFileSet(createFakeBundle().files), backend, { images: fakeImageAdapter(true) });
  return { seg, backend };
}

/** A `{ text }` prompt that counts how often its text is read, answering `texts[n]` on the n-th read (the last one after). */
function countedText(...texts: string[]): { prompt: { readonly text: string }; reads: () => number } {
  let reads = 0;
  const prompt = {
    get text(): string {
      return texts[Math.min(reads++, texts.length - 1)]!;
    },
  };
  return { prompt, reads: () => reads };
}

describe('CLIPSeg reads each prompt once per call', () => {
  it.each(['segmentImage', 'segment', 'embed'] as const)('%s parses and validates the prompts once', async (call) => {
    const { seg } = await setup();
    const counted = countedText('a cat');
    if (call === 'segmentImage') await seg.segmentImage(img(0.3), [counted.prompt, 'a dog']);
    else if (call === 'segment') await seg.segment(await seg.encodeImage(img(0.3)), [counted.prompt, 'a dog']);
    else await seg.embed([counted.prompt, 'a dog']);
    expect(counted.reads()).toBe(1);
  });

  it('segmentImage runs the prompts it validated: a prompt that changes after validation does not fail after the vision run', async () => {
    const { seg, backend } = await setup();
    const counted = countedText('a cat', '');
    const result = await seg.segmentImage(img(0.3), [counted.prompt]);
    const reference = await seg.segmentImage(img(0.3), ['a cat']);
    expect(Array.from(result.logits.data)).toEqual(Array.from(reference.logits.data));
    expect(backend.runs.filter((r) => r.graph === 'vision_encoder')).toHaveLength(2);
  });
});
