import { join } from 'node:path';
import type { Tensor } from '@clipseg/core';
import { CLIPSegForImageSegmentation, CLIPSegProcessor, HFBundle } from '@clipseg/core/hf';
import { rasterImageAdapter, type RasterImage } from '@clipseg/processor';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { Goldens, hfGoldenBundle, stackRows } from '../../test/hf-golden.js';
import { createNodeBackend } from '../backend/onnxruntime-node-backend.js';
import { directoryFileSet } from '../files/directory-file-set.js';
import { decodeImage } from '../image/decode-image.js';

const shared = sharedDir();
const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];

describeWithShared('CLIPSegForImageSegmentation against the HF goldens (format-2 bundle with every optional graph)', () => {
  let model: CLIPSegForImageSegmentation;
  let processor: CLIPSegProcessor<RasterImage>;
  let goldens: Goldens;
  const image = (name: string) => decodeImage(join(shared, 'images', name));

  beforeAll(async () => {
    const files = directoryFileSet(await hfGoldenBundle(shared));
    model = await CLIPSegForImageSegmentation.fromBundle(files, createNodeBackend(), { verify: 'sha256' });
    processor = await CLIPSegProcessor.fromPretrained(files, { images: rasterImageAdapter });
    goldens = await Goldens.open(shared);
  });
  afterAll(async () => {
    await model?.dispose();
    console.info(goldens?.report.join('\n'));
    await goldens?.close();
  });

  it('case a: processor(text, images ×3, padding) → forward(outputHiddenStates) gives every golden of case a', async () => {
    const chelsea = await image('chelsea.png');
    const inputs = await processor.call({ text: PROMPTS, images: [chelsea, chelsea, chelsea], padding: true });
    expect(inputs.input_ids!.data).toEqual((await goldens.tensor('inputs.input_ids')).data);
    expect(inputs.attention_mask!.data).toEqual((await goldens.tensor('inputs.attention_mask')).data);
    const out = await model.forward(inputs as Required<typeof inputs>, { outputHiddenStates: true });
    const g = goldens;
    expect(out.logits.dims).toEqual([3, 352, 352]);
    expect(g.diff('a.logits', out.logits.data, await g.f32('a.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
    expect(g.diff('a.conditional_embeddings', out.conditional_embeddings.data, await g.f32('a.conditional_embeddings'), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(out.pooled_output.dims).toEqual([3, 24]);
    expect(g.diff('a.pooled_output', out.pooled_output.data, await g.f32('a.pooled_output'), 1e-5)).toBeLessThanOrEqual(1e-5);
    const decoderStates = out.decoder_output.hidden_states!;
    expect(decoderStates).toHaveLength(3);
    for (let k = 0; k < 3; k++) {
      expect(decoderStates[k]!.dims).toEqual([3, 485, 16]);
      expect(g.diff(`a.decoder_layer_outputs.${k}`, decoderStates[k]!.data, await g.f32(`a.decoder_layer_outputs.${k}`), 1e-4)).toBeLessThanOrEqual(1e-4);
    }
    expect(out.decoder_output.logits).toBe(out.logits);
    const vision = out.vision_model_output!;
    const states = vision.hidden_states!;
    expect(states).toHaveLength(5);
    const row0 = (t: Tensor) => t.data.subarray(0, t.data.length / t.dims[0]!) as Float32Array;
    for (const [j, name] of [[0, 'a.vision_hidden_states.0'], [1, 'a.vision_hidden_states.1'], [2, 'a.decoder_activations.0'], [3, 'a.decoder_activations.1'], [4, 'a.decoder_activations.2']] as const) {
      expect(states[j]!.dims).toEqual([3, 485, 48]);
      expect(g.diff(`${name} (vision hidden_states[${j}])`, row0(states[j]!), await g.f32(name), 1e-4)).toBeLessThanOrEqual(1e-4);
    }
    expect(g.diff('a.vision_pooled_output (vision pooler_output)', row0(vision.pooler_output), await g.f32('a.vision_pooled_output'), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(vision.last_hidden_state.data).toEqual(states[4]!.data);
  });

  it('case a without outputHiddenStates returns no hidden states and the same logits', async () => {
    const chelsea = await goldens.pixels('chelsea');
    const pixels = stackRows([chelsea, chelsea, chelsea]);
    const out = await model.forward({ pixel_values: pixels, input_ids: await goldens.tensor('inputs.input_ids') as Tensor<'int64'>, attention_mask: await goldens.tensor('inputs.attention_mask') as Tensor<'int64'> });
    expect(out.decoder_output.hidden_states).toBeUndefined();
    expect(out.vision_model_output!.hidden_states).toBeUndefined();
    expect(goldens.diff('a.logits (no hidden states)', out.logits.data, await goldens.f32('a.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it('case b: the prompts padded to max_length 77 give b.conditional_embeddings and a.logits', async () => {
    const chelsea = await image('chelsea.png');
    const inputs = await processor.call({ text: PROMPTS, images: [chelsea, chelsea, chelsea], padding: 'max_length' });
    expect(inputs.input_ids!.data).toEqual((await goldens.tensor('inputs.input_ids_77')).data);
    expect(inputs.attention_mask!.data).toEqual((await goldens.tensor('inputs.attention_mask_77')).data);
    const out = await model.forward(inputs as Required<typeof inputs>);
    expect(goldens.diff('b.conditional_embeddings', out.conditional_embeddings.data, await goldens.f32('b.conditional_embeddings'), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(goldens.diff('b logits (= a.logits)', out.logits.data, await goldens.f32('a.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it('case c: processor(images, visual_prompt) → conditional_pixel_values', async () => {
    const inputs = await processor.call({ images: await image('chelsea.png'), visual_prompt: await image('clipseg_example_image.jpg') });
    expect(Object.keys(inputs).sort()).toEqual(['conditional_pixel_values', 'pixel_values']);
    const out = await model.forward(inputs as Required<typeof inputs>);
    expect(goldens.diff('c.conditional_embeddings', out.conditional_embeddings.data, await goldens.f32('c.conditional_embeddings'), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(goldens.diff('c.logits', out.logits.data, await goldens.f32('c.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it('case d: conditional_embeddings on two query images (they win over input_ids)', async () => {
    const pixels = stackRows([await goldens.pixels('chelsea'), await goldens.pixels('clipseg_example_image')]);
    const embeddings = (await goldens.tensor('inputs.conditional_embeddings')) as Tensor<'float32'>;
    const ignored = [[49406, 320, 2368, 49407], [49406, 320, 2368, 49407]];
    const out = await model.forward({ pixel_values: pixels, conditional_embeddings: embeddings, input_ids: ignored });
    expect(out.conditional_embeddings).toBe(embeddings);
    expect(goldens.diff('d.logits', out.logits.data, await goldens.f32('d.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it('case e: the synthetic 500×333 image with "a cat"', async () => {
    const inputs = await processor.call({ text: 'a cat', images: await image('synthetic_random_500x333.png') });
    expect(inputs.input_ids!.data).toEqual((await goldens.tensor('inputs.input_ids_a_cat')).data);
    const out = await model.forward(inputs as Required<typeof inputs>);
    expect(goldens.diff('e.logits', out.logits.data, await goldens.f32('e.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it("refuses HF's invalid inputs with HF's messages", async () => {
    const chelsea = await goldens.pixels('chelsea');
    const ids = await goldens.tensor('inputs.input_ids');
    await expect(model.forward({ pixel_values: chelsea, input_ids: ids as Tensor<'int64'> })).rejects.toMatchObject({
      code: 'HF_BATCH_MISMATCH',
      message: expect.stringMatching(/^Make sure to pass as many prompt texts as there are query images/),
    });
    await expect(model.forward({ pixel_values: chelsea })).rejects.toMatchObject({ code: 'HF_MISSING_INPUT', message: expect.stringMatching(/^Invalid conditional/) });
    const wide = { type: 'float32' as const, dims: [1, 25], data: new Float32Array(25) };
    await expect(model.forward({ pixel_values: chelsea, conditional_embeddings: wide })).rejects.toMatchObject({ code: 'HF_EMBEDDING_SIZE' });
    const crop = { type: 'float32' as const, dims: [1, 3, 224, 224], data: new Float32Array(3 * 224 * 224) };
    await expect(model.forward({ pixel_values: crop, input_ids: [[49406, 49407]] })).rejects.toMatchObject({ code: 'HF_IMAGE_SIZE' });
  });

  it('shares one bundle between classes: model.clip and a second model reuse the sessions', async () => {
    const bundle = await HFBundle.load(directoryFileSet(await hfGoldenBundle(shared)), createNodeBackend());
    const a = new CLIPSegForImageSegmentation(bundle);
    const features = await a.clip.getTextFeatures({ input_ids: await goldens.tensor('inputs.input_ids') as Tensor<'int64'> });
    expect(goldens.diff('a.text_embeds (model.clip.getTextFeatures)', features.data, await goldens.f32('a.text_embeds'), 1e-5)).toBeLessThanOrEqual(1e-5);
    await a.dispose(); // does not own the bundle
    expect(bundle.disposed).toBe(false);
    await bundle.dispose();
    await expect(a.clip.getTextFeatures({ input_ids: [[49406, 49407]] })).rejects.toMatchObject({ code: 'HF_DISPOSED' });
  });
});
