import { join } from 'node:path';
import { CLIPSegProcessor } from '@clipseg/core/hf';
import { rasterImageAdapter, type RasterImage } from '@clipseg/processor';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { Goldens } from '../../test/hf-golden.js';
import { directoryFileSet } from '../files/directory-file-set.js';
import { decodeImage } from '../image/decode-image.js';

const shared = sharedDir();
const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];

describeWithShared('CLIPSegProcessor against the HF goldens', () => {
  let processor: CLIPSegProcessor<RasterImage>;
  let goldens: Goldens;
  let chelsea: RasterImage;

  beforeAll(async () => {
    // Works on a bundle and on the HF checkpoint folder alike (same file names).
    processor = await CLIPSegProcessor.fromPretrained(directoryFileSet(join(shared, 'golden/clipseg-tiny-refined')), { images: rasterImageAdapter });
    goldens = await Goldens.open(shared);
    chelsea = await decodeImage(join(shared, 'images/chelsea.png'));
  });
  afterAll(async () => {
    console.info(goldens?.report.join('\n'));
    await goldens?.close();
  });

  it('images → pixel_values equal to the ViTImageProcessor goldens; visual_prompt → conditional_pixel_values', async () => {
    const out = await processor.call({ images: chelsea });
    expect(Object.keys(out)).toEqual(['pixel_values']);
    expect(goldens.diff('processor pixel_values (chelsea)', out.pixel_values!.data, (await goldens.pixels('chelsea')).data, 1e-6)).toBeLessThanOrEqual(1e-6);
    const prompt = await processor.call({ visual_prompt: [await decodeImage(join(shared, 'images/clipseg_example_image.jpg'))] });
    expect(Object.keys(prompt)).toEqual(['conditional_pixel_values']);
    expect(goldens.diff('processor conditional_pixel_values', prompt.conditional_pixel_values!.data, (await goldens.pixels('clipseg_example_image')).data, 1e-6)).toBeLessThanOrEqual(1e-6);
  });

  it('text → input_ids and attention_mask with HF padding: longest, max_length', async () => {
    const longest = await processor.call({ text: PROMPTS, padding: 'longest' });
    expect(Object.keys(longest)).toEqual(['input_ids', 'attention_mask']);
    expect(longest.input_ids!.data).toEqual((await goldens.tensor('inputs.input_ids')).data);
    const padded = await processor.call({ text: PROMPTS, padding: 'max_length' });
    expect(padded.input_ids!.dims).toEqual([3, 77]);
    expect(padded.attention_mask!.data).toEqual((await goldens.tensor('inputs.attention_mask_77')).data);
    const single = await processor.call({ text: 'a cat' });
    expect(single.input_ids!.data).toEqual((await goldens.tensor('inputs.input_ids_a_cat')).data);
  });

  it("truncation as HF: none by default, max_length alone truncates, max_length with padding does not", async () => {
    const long = Array.from({ length: 100 }, () => 'cat').join(' ');
    expect((await processor.call({ text: long })).input_ids!.dims).toEqual([1, 102]);
    expect((await processor.call({ text: long, truncation: true })).input_ids!.dims).toEqual([1, 77]);
    const cut = await processor.call({ text: long, max_length: 10 });
    expect(cut.input_ids!.dims).toEqual([1, 10]);
    expect(cut.input_ids!.data[9]).toBe(49407n);
    await expect(processor.call({ text: [long, 'a cat'], padding: 'max_length', max_length: 10 })).rejects.toMatchObject({ code: 'HF_PADDING_REQUIRED' });
    expect((await processor.call({ text: [long, 'a cat'], padding: 'max_length', max_length: 10, truncation: 'longest_first' })).input_ids!.dims).toEqual([2, 10]);
  });

  it("refuses what HF refuses, with HF's messages", async () => {
    await expect(processor.call({})).rejects.toMatchObject({ code: 'HF_MISSING_INPUT', message: 'You have to specify either text, visual prompt or images.' });
    await expect(processor.call({ text: 'a cat', visual_prompt: chelsea })).rejects.toMatchObject({
      code: 'HF_CONFLICTING_INPUTS',
      message: 'You have to specify exactly one type of prompt. Either text or visual prompt.',
    });
    await expect(processor.call({ text: PROMPTS })).rejects.toMatchObject({ code: 'HF_PADDING_REQUIRED' });
    await expect(processor.call({ text: 'a', padding: 'left' as never })).rejects.toMatchObject({ code: 'HF_INVALID_OPTIONS' });
    const textOnly = await CLIPSegProcessor.fromPretrained(directoryFileSet(join(shared, 'golden/clipseg-tiny-refined')));
    await expect(textOnly.call({ images: chelsea as never })).rejects.toMatchObject({ code: 'HF_NO_IMAGE_ADAPTER' });
  });
});
