import { describe, expect, it } from 'vitest';
import { memoryFileSet } from '../loading/file-set.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import { CLIPSegForImageSegmentation } from './clipseg-for-image-segmentation.js';
import { HFBundle } from './hf-bundle.js';
import { createFakeHFBackend, createFakeHFBundle, type FakeHFBundleOptions } from '../testing/fake-hf-bundle.js';

async function setup(options: FakeHFBundleOptions = {}) {
  const fake = createFakeHFBundle(options);
  const backend = createFakeHFBackend();
  const model = await CLIPSegForImageSegmentation.fromBundle(memoryFileSet(fake.files, 'fake'), backend);
  return { fake, backend, model };
}

/** `values.length` query images of 16×16, each one grey level. */
const images = (...values: number[]) =>
  createTensor('float32', [values.length, 3, 16, 16], Float32Array.from({ length: values.length * 768 }, (_, i) => values[Math.floor(i / 768)]!));

const row = (t: Tensor<'float32'>, r: number) => t.data.subarray((r * t.data.length) / t.dims[0]!, ((r + 1) * t.data.length) / t.dims[0]!);

describe('CLIPSegForImageSegmentation', () => {
  it('encodes identical query images once and decodes once per distinct image, keeping the rows in order', async () => {
    const { fake, backend, model } = await setup({ optionalGraphs: [] });
    const ids = [[fake.bosId, 300, fake.eosId], [fake.bosId, 301, fake.eosId], [fake.bosId, 302, fake.eosId]];
    const out = await model.forward({ pixel_values: images(0.2, 0.7, 0.2), input_ids: ids });
    const graphs = backend.runs.map((r) => r.graph);
    expect(graphs).toEqual(['vision_encoder', 'image_projector', 'text_encoder', 'decoder', 'decoder']);
    expect(backend.runs[0]!.dims.pixel_values).toEqual([2, 3, 16, 16]);
    expect(backend.runs[3]!.dims.conditional_embeddings).toEqual([2, 8]);
    expect(backend.runs[4]!.dims.conditional_embeddings).toEqual([1, 8]);
    expect(out.logits.dims).toEqual([3, 16, 16]);
    expect(out.pooled_output.dims).toEqual([3, 8]);
    expect(row(out.pooled_output, 0)).toEqual(row(out.pooled_output, 2));
    expect(row(out.pooled_output, 0)).not.toEqual(row(out.pooled_output, 1));
    // Each row matches a forward of that image alone with its own prompt.
    for (let r = 0; r < 3; r++) {
      const alone = await model.forward({ pixel_values: images([0.2, 0.7, 0.2][r]!), input_ids: [ids[r]!] });
      expect(row(out.logits, r)).toEqual(alone.logits.data);
      expect(row(out.conditional_embeddings, r)).toEqual(alone.conditional_embeddings.data);
    }
    expect(out.vision_model_output).toBeUndefined();
    expect(out.decoder_output.hidden_states).toBeUndefined();
  });

  it("takes the prompt from conditional_embeddings, else input_ids, else conditional_pixel_values (HF's precedence)", async () => {
    const { fake, backend, model } = await setup({ optionalGraphs: [] });
    const embeddings = createTensor('float32', [1, 8], Float32Array.from({ length: 8 }, (_, i) => i));
    const ids = [[fake.bosId, 300, fake.eosId]];
    const first = await model.forward({ pixel_values: images(0.5), conditional_embeddings: embeddings, input_ids: ids, conditional_pixel_values: images(0.1) });
    expect(first.conditional_embeddings).toBe(embeddings);
    expect(backend.runs.some((r) => r.graph === 'text_encoder')).toBe(false);
    const second = await model.forward({ pixel_values: images(0.5), input_ids: ids, conditional_pixel_values: images(0.1) });
    expect(second.conditional_embeddings.data).toEqual((await model.clip.getTextFeatures({ input_ids: ids })).data);
    const third = await model.forward({ pixel_values: images(0.5), conditional_pixel_values: images(0.1) });
    expect(third.conditional_embeddings.data).toEqual((await model.clip.getImageFeatures({ pixel_values: images(0.1) })).data);
    const viaMethod = await model.getConditionalEmbeddings({ batchSize: 1, conditional_pixel_values: images(0.1) });
    expect(viaMethod.data).toEqual(third.conditional_embeddings.data);
  });

  it("refuses HF's invalid inputs before running anything", async () => {
    const { fake, backend, model } = await setup({ optionalGraphs: [] });
    const two = images(0.1, 0.2);
    await expect(model.forward({ pixel_values: two, input_ids: [[fake.bosId, fake.eosId]] })).rejects.toMatchObject({ code: 'HF_BATCH_MISMATCH' });
    await expect(model.forward({ pixel_values: two, conditional_pixel_values: images(0.3) })).rejects.toMatchObject({
      code: 'HF_BATCH_MISMATCH',
      message: expect.stringMatching(/^Make sure to pass as many prompt images as there are query images/),
    });
    await expect(model.forward({ pixel_values: two, conditional_embeddings: createTensor('float32', [1, 8]) })).rejects.toMatchObject({
      code: 'HF_BATCH_MISMATCH',
      message: expect.stringMatching(/^Make sure to pass as many conditional embeddings as there are query images in the batch/),
    });
    await expect(model.forward({ pixel_values: two, conditional_embeddings: createTensor('float32', [2, 7]) })).rejects.toMatchObject({
      code: 'HF_EMBEDDING_SIZE',
      message: expect.stringMatching(/^Make sure that the feature dimension of the conditional embeddings matches `config.projection_dim`/),
    });
    await expect(model.forward({ pixel_values: two })).rejects.toMatchObject({ code: 'HF_MISSING_INPUT' });
    await expect(model.forward({ pixel_values: images(0.1).data as never, input_ids: [[1]] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(model.forward({ pixel_values: createTensor('float32', [1, 3, 20, 16]), input_ids: [[1]] })).rejects.toMatchObject({ code: 'HF_IMAGE_SIZE' });
    await expect(model.forward({ pixel_values: two, input_ids: [[1], [2]] }, { outputHiddenStates: true })).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
    await expect(model.getConditionalEmbeddings({ batchSize: 0 })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    expect(backend.runs).toEqual([]);
  });

  it('with outputHiddenStates: vision hidden states and decoder layer outputs per row (pre-FiLM layers shared by all prompts)', async () => {
    const { fake, backend, model } = await setup({ conditionalLayer: 1 });
    const ids = [[fake.bosId, 300, fake.eosId], [fake.bosId, 301, fake.eosId], [fake.bosId, 302, fake.eosId]];
    const out = await model.forward({ pixel_values: images(0.2, 0.7, 0.2), input_ids: ids }, { outputHiddenStates: true });
    expect(backend.runs.map((r) => r.graph)).toEqual(['vision_model', 'text_encoder', 'decoder_hidden_states', 'decoder_hidden_states']);
    const states = out.decoder_output.hidden_states!;
    expect(states).toHaveLength(3);
    for (const state of states) expect(state.dims).toEqual([3, fake.tokens, fake.reduceDim]);
    // Layer 0 runs before FiLM: the same for every prompt on one image; layer 1 differs per prompt.
    expect(row(states[0]!, 0)).toEqual(row(states[0]!, 2));
    expect(row(states[1]!, 0)).not.toEqual(row(states[1]!, 2));
    const vision = out.vision_model_output!;
    expect(vision.hidden_states).toHaveLength(fake.visionLayers + 1);
    expect(vision.last_hidden_state.dims).toEqual([3, fake.tokens, fake.visionHidden]);
    expect(row(vision.pooler_output, 0)).toEqual(row(vision.pooler_output, 2));
    // The same logits as the default graphs give.
    const plain = await (await setup({ optionalGraphs: [], conditionalLayer: 1 })).model.forward({ pixel_values: images(0.2, 0.7, 0.2), input_ids: ids });
    expect(out.logits.data).toEqual(plain.logits.data);
    expect(out.pooled_output.data).toEqual(plain.pooled_output.data);
  });

  it('shares its bundle with model.clip; disposing an owning model disposes the sessions', async () => {
    const fake = createFakeHFBundle({ optionalGraphs: [] });
    const backend = createFakeHFBackend();
    const bundle = await HFBundle.load(memoryFileSet(fake.files), backend);
    const shared = new CLIPSegForImageSegmentation(bundle);
    expect(shared.clip.bundle).toBe(bundle);
    await shared.forward({ pixel_values: images(0.3), input_ids: [[fake.bosId, fake.eosId]] });
    await shared.dispose();
    expect(bundle.disposed).toBe(false);
    await expect(shared.forward({ pixel_values: images(0.3), input_ids: [[fake.bosId, fake.eosId]] })).rejects.toMatchObject({ code: 'HF_DISPOSED' });
    const { model, backend: own } = await setup({ optionalGraphs: [] });
    await model.forward({ pixel_values: images(0.3), input_ids: [[fake.bosId, fake.eosId]] });
    await model.dispose();
    expect(own.disposed.sort()).toEqual(['decoder', 'image_projector', 'text_encoder', 'vision_encoder']);
    expect(model.disposed).toBe(true);
  });
});
