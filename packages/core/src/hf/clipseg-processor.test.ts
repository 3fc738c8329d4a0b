import { describe, expect, it } from 'vitest';
import { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { memoryFileSet } from '../loading/file-set.js';
import { loadTokenizer } from '../loading/load-tokenizer.js';
import { fakeImageAdapter, type FakeImage } from '../testing/fake-image-adapter.js';
import { createTensor } from '../tensor/tensor.js';
import { CLIPSegProcessor } from './clipseg-processor.js';
import { createFakeHFBundle } from '../testing/fake-hf-bundle.js';

const fake = createFakeHFBundle();
const image = (value: number): FakeImage => ({ width: 20, height: 10, value });

async function processor(withImages = true): Promise<CLIPSegProcessor<FakeImage>> {
  const files = memoryFileSet(fake.files);
  return withImages ? CLIPSegProcessor.fromPretrained(files, { images: fakeImageAdapter() }) : CLIPSegProcessor.fromPretrained(files);
}

const rows = (t: { dims: readonly number[]; data: BigInt64Array }) => Array.from({ length: t.dims[0]! }, (_, r) => Array.from(t.data.subarray(r * t.dims[1]!, (r + 1) * t.dims[1]!), Number));

describe('CLIPSegProcessor', () => {
  it('returns what HF returns for each combination of text, images and visual_prompt', async () => {
    const p = await processor();
    expect(Object.keys(await p.call({ text: 'cat' }))).toEqual(['input_ids', 'attention_mask']);
    expect(Object.keys(await p.call({ images: image(0.5) }))).toEqual(['pixel_values']);
    expect(Object.keys(await p.call({ visual_prompt: image(0.5) }))).toEqual(['conditional_pixel_values']);
    expect(Object.keys(await p.call({ text: ['cat'], images: [image(0.5)] }))).toEqual(['input_ids', 'attention_mask', 'pixel_values']);
    const both = await p.call({ images: [image(0.1), image(0.2)], visual_prompt: [image(0.3), image(0.4)] });
    expect(Object.keys(both)).toEqual(['pixel_values', 'conditional_pixel_values']);
    expect(both.pixel_values!.dims).toEqual([2, 3, fake.imageSize, fake.imageSize]);
    expect(both.conditional_pixel_values!.data[0]).toBeCloseTo(0.3, 6);
  });

  it('tokenizes as HF: no padding or truncation by default; padding longest / max_length; max_length alone truncates', async () => {
    const p = await processor();
    const { bosId: bos, eosId: eos } = fake;
    const one = await p.call({ text: 'cat' });
    const [cat] = rows(one.input_ids!);
    expect(cat).toHaveLength(3);
    expect([cat![0], cat![2]]).toEqual([bos, eos]);
    expect(rows(one.attention_mask!)).toEqual([[1, 1, 1]]);
    const longest = await p.call({ text: ['cat', 'cat cat cat'], padding: true });
    expect(longest.input_ids!.dims).toEqual([2, 5]);
    expect(rows(longest.attention_mask!)).toEqual([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]);
    expect(rows(longest.input_ids!)[0]!.slice(3)).toEqual([eos, eos]);
    const max = await p.call({ text: 'cat', padding: 'max_length', max_length: 6 });
    expect(max.input_ids!.dims).toEqual([1, 6]);
    const cut = await p.call({ text: 'cat cat cat cat', max_length: 4 });
    expect(rows(cut.input_ids!)[0]).toHaveLength(4);
    expect(rows(cut.input_ids!)[0]![3]).toBe(eos);
    const notCut = await p.call({ text: 'cat cat cat cat', max_length: 4, truncation: false });
    expect(notCut.input_ids!.dims).toEqual([1, 6]);
    const padOnly = p.call({ text: ['cat cat cat cat', 'cat'], max_length: 4, padding: 'max_length' });
    await expect(padOnly).rejects.toMatchObject({ code: 'HF_PADDING_REQUIRED' });
    const both = await p.call({ text: ['cat cat cat cat', 'cat'], max_length: 4, padding: 'max_length', truncation: 'only_first' });
    expect(both.input_ids!.dims).toEqual([2, 4]);
  });

  it("refuses HF's errors and bad options", async () => {
    const p = await processor();
    await expect(p.call({})).rejects.toMatchObject({ code: 'HF_MISSING_INPUT', message: 'You have to specify either text, visual prompt or images.' });
    await expect(p.call({ text: 'cat', visual_prompt: image(1) })).rejects.toMatchObject({ code: 'HF_CONFLICTING_INPUTS' });
    await expect(p.call({ text: ['cat', 'cat cat'] })).rejects.toMatchObject({ code: 'HF_PADDING_REQUIRED', message: expect.stringMatching(/padding: true/) });
    await expect(p.call({ text: [] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(p.call({ images: [] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(p.call({ text: 'cat', truncation: 'only_second' as never })).rejects.toMatchObject({ code: 'HF_INVALID_OPTIONS' });
    await expect(p.call({ text: 'cat', max_length: 1 })).rejects.toMatchObject({ code: 'HF_INVALID_OPTIONS' });
    await expect(p.call(null as never)).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect((await processor(false)).call({ images: image(1) })).rejects.toMatchObject({ code: 'HF_NO_IMAGE_ADAPTER' });
  });

  it('checks the adapter output and its own construction', async () => {
    const tokenizer = await loadTokenizer(memoryFileSet(fake.files));
    const imageProcessorConfig = ViTImageProcessorConfig.fromJSON({ size: 16 });
    const broken = new CLIPSegProcessor<FakeImage>({ tokenizer, imageProcessorConfig, images: { preprocess: () => createTensor('float32', [1, 1, 2, 2]), size: () => ({ width: 1, height: 1 }) } });
    await expect(broken.call({ images: image(1) })).rejects.toMatchObject({ code: 'HF_ADAPTER_INVALID' });
    expect(() => new CLIPSegProcessor({ tokenizer, imageProcessorConfig: {} as never })).toThrowError(expect.objectContaining({ code: 'HF_INVALID_OPTIONS' }));
    expect(() => new CLIPSegProcessor({ tokenizer, imageProcessorConfig, images: {} as never })).toThrowError(expect.objectContaining({ code: 'HF_INVALID_OPTIONS' }));
    await expect(CLIPSegProcessor.fromPretrained(memoryFileSet({ 'vocab.json': fake.files['vocab.json']! }))).rejects.toMatchObject({ code: 'HF_FILE_MISSING' });
  });
});
