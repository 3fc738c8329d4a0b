import { describe, expect, it } from 'vitest';
import { memoryFileSet } from '../loading/file-set.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import { CLIPSegModel } from './clipseg-model.js';
import { CLIPSegTextModel } from './clipseg-text-model.js';
import { CLIPSegVisionModel } from './clipseg-vision-model.js';
import { HFBundle } from './hf-bundle.js';
import { interpolatePositionEmbeddings } from './position-embeddings.js';
import { createFakeHFBackend, createFakeHFBundle, type FakeHFBundleOptions } from '../testing/fake-hf-bundle.js';

async function setup(options: FakeHFBundleOptions = {}) {
  const fake = createFakeHFBundle(options);
  const backend = createFakeHFBackend();
  const bundle = await HFBundle.load(memoryFileSet(fake.files, 'fake'), backend);
  return { fake, backend, bundle };
}

const pixels = (batch: number, size: number, value = 0.25, height = size) =>
  createTensor('float32', [batch, 3, height, size], Float32Array.from({ length: batch * 3 * height * size }, (_, i) => value + 0.1 * Math.floor(i / (3 * height * size))));

describe('CLIPSegTextModel and CLIPSegVisionModel', () => {
  it('return last_hidden_state, pooler_output and, on request, every hidden state', async () => {
    const { fake, bundle } = await setup();
    const text = new CLIPSegTextModel(bundle);
    const ids = [[fake.bosId, 300, fake.eosId, fake.eosId]];
    const out = await text.forward({ input_ids: ids, attention_mask: [[1, 1, 1, 0]] }, { outputHiddenStates: true });
    expect(out.last_hidden_state.dims).toEqual([1, 4, fake.textHidden]);
    expect(out.pooler_output.data).toEqual(out.last_hidden_state.data.subarray(2 * fake.textHidden, 3 * fake.textHidden));
    expect(out.hidden_states).toHaveLength(fake.textLayers + 1);
    expect('text_embeds' in out).toBe(false);
    expect((await text.forward({ input_ids: ids })).hidden_states).toBeUndefined();
    expect(text.config.hidden_size).toBe(fake.textHidden);

    const vision = new CLIPSegVisionModel(bundle);
    const v = await vision.forward({ pixel_values: pixels(2, 16) }, { outputHiddenStates: true });
    expect(v.hidden_states).toHaveLength(fake.visionLayers + 1);
    expect(v.last_hidden_state).toBe(v.hidden_states![fake.visionLayers]);
    expect(v.pooler_output.dims).toEqual([2, fake.visionHidden]);
    expect(vision.config.patch_size).toBe(4);
  });

  it('interpolate position embeddings for other sizes (one token per patch) and honour interpolatePosEncoding: false', async () => {
    const { fake, bundle, backend } = await setup();
    const vision = new CLIPSegVisionModel(bundle);
    const out = await vision.forward({ pixel_values: pixels(1, 12, 0.25, 20) }); // 5×3 patches
    expect(out.last_hidden_state.dims).toEqual([1, 16, fake.visionHidden]);
    expect(backend.runs.at(-1)!.dims.position_embeddings).toEqual([1, 16, fake.visionHidden]);
    // The class position is kept: pooler_output adds position row 0 in the fake.
    const table = interpolatePositionEmbeddings(fake.positionTable, 4, 5, 3);
    expect(table.subarray(0, 6)).toEqual(fake.positionTable.subarray(0, 6));
    await expect(vision.forward({ pixel_values: pixels(1, 12, 0.25, 20) }, { interpolatePosEncoding: false })).rejects.toMatchObject({
      code: 'HF_IMAGE_SIZE',
      message: expect.stringMatching(/^Input image size \(20\*12\) doesn't match model \(16\*16\)/),
    });
    expect((await vision.forward({ pixel_values: pixels(1, 16) }, { interpolatePosEncoding: false })).last_hidden_state.dims).toEqual([1, 17, 6]);
  });

  it('refuse a bundle without their graph, and bad inputs', async () => {
    const { bundle } = await setup({ optionalGraphs: [] });
    expect(() => new CLIPSegTextModel(bundle)).toThrowError(expect.objectContaining({ code: 'HF_GRAPH_MISSING' }));
    expect(() => new CLIPSegVisionModel(bundle)).toThrowError(expect.objectContaining({ code: 'HF_GRAPH_MISSING' }));
    const full = (await setup()).bundle;
    const text = new CLIPSegTextModel(full);
    await expect(text.forward({ input_ids: [[1, 2], [3]] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(text.forward({ input_ids: createTensor('float32', [1, 2]) as never })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(text.forward({ input_ids: [Array.from({ length: 17 }, () => 1)] })).rejects.toMatchObject({ code: 'HF_SEQUENCE_TOO_LONG' });
    await expect(text.forward({ input_ids: [[1, 2]], attention_mask: [[1]] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    const vision = new CLIPSegVisionModel(full);
    await expect(vision.forward({ pixel_values: createTensor('float32', [1, 1, 16, 16]) })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(vision.forward({} as never)).rejects.toMatchObject({ code: 'HF_MISSING_INPUT' });
    await text.dispose();
    await expect(text.forward({ input_ids: [[1]] })).rejects.toMatchObject({ code: 'HF_DISPOSED' });
    expect(full.disposed).toBe(false);
  });
});

describe('CLIPSegModel', () => {
  it('getTextFeatures runs the default text_encoder unless the mask hides tokens before end-of-text', async () => {
    const { fake, bundle, backend } = await setup();
    const clip = new CLIPSegModel(bundle);
    const ids = [[fake.bosId, 300, fake.eosId, fake.eosId], [fake.bosId, 301, 302, fake.eosId]];
    const plain = await clip.getTextFeatures({ input_ids: ids, attention_mask: [[1, 1, 1, 0], [1, 1, 1, 1]] });
    expect(backend.runs.map((r) => r.graph)).toEqual(['text_encoder']);
    const hidden = await clip.getTextFeatures({ input_ids: ids, attention_mask: [[1, 1, 1, 0], [1, 0, 1, 1]] });
    expect(backend.runs.map((r) => r.graph)).toEqual(['text_encoder', 'text_model']);
    expect(hidden.data.subarray(0, 8)).toEqual(plain.data.subarray(0, 8));
    expect(hidden.data.subarray(8)).not.toEqual(plain.data.subarray(8));
    const v1 = new CLIPSegModel((await setup({ optionalGraphs: [] })).bundle);
    await expect(v1.getTextFeatures({ input_ids: ids, attention_mask: [[1, 0, 1, 0], [1, 1, 1, 1]] })).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
  });

  it('getImageFeatures: default graphs at the bundle size, vision_model elsewhere, with equal results', async () => {
    const { bundle, backend } = await setup();
    const clip = new CLIPSegModel(bundle);
    const viaDefault = await clip.getImageFeatures({ pixel_values: pixels(2, 16) });
    expect(backend.runs.map((r) => r.graph)).toEqual(['vision_encoder', 'image_projector']);
    const viaTower = await new CLIPSegVisionModel(bundle).forward({ pixel_values: pixels(2, 16) });
    expect(viaTower.pooler_output.dims).toEqual([2, 6]);
    await clip.getImageFeatures({ pixel_values: pixels(1, 8) });
    expect(backend.runs.at(-1)!.graph).toBe('vision_model');
    expect(viaDefault.dims).toEqual([2, 8]);
    const { bundle: plainBundle } = await setup({ optionalGraphs: [] });
    await expect(new CLIPSegModel(plainBundle).getImageFeatures({ pixel_values: pixels(1, 8) })).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
  });

  it('forward: L2-normalised embeddings, logits_per_text = scale · text · imageᵀ, logits_per_image its transpose', async () => {
    const { fake, bundle } = await setup({ optionalGraphs: [], logitScale: 1.5 });
    const clip = new CLIPSegModel(bundle);
    const ids = [[fake.bosId, 300, fake.eosId], [fake.bosId, 301, fake.eosId], [fake.bosId, 40, fake.eosId]];
    const out = await clip.forward({ input_ids: ids, pixel_values: pixels(2, 16) });
    expect(out.logits_per_text.dims).toEqual([3, 2]);
    expect(out.logits_per_image.dims).toEqual([2, 3]);
    expect(out.text_model_output).toBeUndefined();
    const text = await clip.getTextFeatures({ input_ids: ids });
    const image = await clip.getImageFeatures({ pixel_values: pixels(2, 16) });
    const unit = (t: Tensor<'float32'>, r: number) => {
      const row = Array.from(t.data.subarray(r * 8, (r + 1) * 8));
      const n = Math.hypot(...row);
      return row.map((x) => x / n);
    };
    for (let t = 0; t < 3; t++) {
      expect(Math.hypot(...out.text_embeds.data.subarray(t * 8, (t + 1) * 8))).toBeCloseTo(1, 6);
      for (let i = 0; i < 2; i++) {
        const expected = Math.exp(1.5) * unit(text, t).reduce((s, x, c) => s + x * unit(image, i)[c]!, 0);
        expect(out.logits_per_text.data[t * 2 + i]).toBeCloseTo(expected, 4);
        expect(out.logits_per_image.data[i * 3 + t]).toBe(out.logits_per_text.data[t * 2 + i]);
      }
    }
    await expect(clip.forward({ input_ids: ids, pixel_values: pixels(1, 16) }, { outputHiddenStates: true })).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
  });

  it('forward with the optional graphs returns text_model_output and vision_model_output (hidden states on request)', async () => {
    const { fake, bundle } = await setup();
    const out = await new CLIPSegModel(bundle).forward({ input_ids: [[fake.bosId, fake.eosId]], pixel_values: pixels(1, 16) }, { outputHiddenStates: true });
    expect(out.text_model_output!.hidden_states).toHaveLength(fake.textLayers + 1);
    expect(out.vision_model_output!.hidden_states).toHaveLength(fake.visionLayers + 1);
  });

  it('forward on a format-1 bundle needs the logitScale option', async () => {
    const fake = createFakeHFBundle({ formatVersion: 1 });
    const clip = await CLIPSegModel.fromBundle(memoryFileSet(fake.files), createFakeHFBackend());
    await expect(clip.forward({ input_ids: [[fake.bosId, fake.eosId]], pixel_values: pixels(1, 16) })).rejects.toMatchObject({ code: 'HF_LOGIT_SCALE_MISSING' });
    await clip.dispose();
    expect(clip.bundle.disposed).toBe(true);
    const scaled = await CLIPSegModel.fromBundle(memoryFileSet(fake.files), createFakeHFBackend(), { logitScale: 0 });
    const out = await scaled.forward({ input_ids: [[fake.bosId, fake.eosId]], pixel_values: pixels(1, 16) });
    expect(Math.abs(out.logits_per_image.data[0]!)).toBeLessThanOrEqual(1 + 1e-6);
  });
});
