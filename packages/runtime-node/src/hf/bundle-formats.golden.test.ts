import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIPSeg, type Tensor } from '@clipseg/core';
import { CLIPSegForImageSegmentation, CLIPSegModel, CLIPSegTextModel, CLIPSegVisionModel } from '@clipseg/core/hf';
import { rasterImageAdapter } from '@clipseg/processor';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { copyBundle } from '../../test/golden-bundle.js';
import { downgradeToFormat1, Goldens, hfGoldenBundle, stackRows } from '../../test/hf-golden.js';
import { createNodeBackend } from '../backend/onnxruntime-node-backend.js';
import { directoryFileSet } from '../files/directory-file-set.js';
import { decodeImage } from '../image/decode-image.js';

const shared = sharedDir();

describeWithShared('HF classes on bundles without the optional graphs (format 2 default, format 1)', () => {
  let goldens: Goldens;
  let defaultDir: string;
  let format1Dir: string;
  const backend = createNodeBackend();

  beforeAll(async () => {
    goldens = await Goldens.open(shared);
    defaultDir = await hfGoldenBundle(shared, []);
    format1Dir = downgradeToFormat1(copyBundle(defaultDir));
  });
  afterAll(async () => {
    console.info(goldens?.report.join('\n'));
    await goldens?.close();
  });

  it('a default conversion writes format 2 with logitScale, no optional graph and no position table', () => {
    const manifest = JSON.parse(readFileSync(join(defaultDir, 'manifest.json'), 'utf8')) as Record<string, unknown> & { graphs: object; files: object };
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.logitScale).toBe(Math.fround(2.6592));
    expect(Object.keys(manifest.graphs)).toEqual(['text_encoder', 'vision_encoder', 'image_projector', 'decoder']);
    expect(manifest.files).not.toHaveProperty('positionEmbeddings');
  });

  it.each([
    ['format 2 without optional graphs', () => defaultDir],
    ['format 1', () => format1Dir],
  ])('%s: CLIPSegForImageSegmentation cases a, c, d and the CLIPSeg pipeline work; hidden states need a re-conversion', async (_name, dir) => {
    const files = directoryFileSet(dir());
    const model = await CLIPSegForImageSegmentation.fromBundle(files, backend);
    try {
      const chelsea = await goldens.pixels('chelsea');
      const a = await model.forward({
        pixel_values: stackRows([chelsea, chelsea, chelsea]),
        input_ids: (await goldens.tensor('inputs.input_ids')) as Tensor<'int64'>,
        attention_mask: (await goldens.tensor('inputs.attention_mask')) as Tensor<'int64'>,
      });
      expect(goldens.diff(`${_name}: a.logits`, a.logits.data, await goldens.f32('a.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
      expect(goldens.diff(`${_name}: a.pooled_output`, a.pooled_output.data, await goldens.f32('a.pooled_output'), 1e-5)).toBeLessThanOrEqual(1e-5);
      expect(a.vision_model_output).toBeUndefined();
      const c = await model.forward({ pixel_values: chelsea, conditional_pixel_values: await goldens.pixels('clipseg_example_image') });
      expect(goldens.diff(`${_name}: c.logits`, c.logits.data, await goldens.f32('c.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
      const d = await model.forward({
        pixel_values: stackRows([chelsea, await goldens.pixels('clipseg_example_image')]),
        conditional_embeddings: (await goldens.tensor('inputs.conditional_embeddings')) as Tensor<'float32'>,
      });
      expect(goldens.diff(`${_name}: d.logits`, d.logits.data, await goldens.f32('d.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
      await expect(model.forward({ pixel_values: chelsea, input_ids: [[49406, 49407]] }, { outputHiddenStates: true })).rejects.toMatchObject({
        code: 'HF_GRAPH_MISSING',
        message: expect.stringMatching(/needs the 'vision_model' graph.*Re-convert the checkpoint with optionalGraphs/),
      });
      // Another image size needs vision_model; the bundle's own size runs on the default graphs.
      const crop: Tensor<'float32'> = { type: 'float32', dims: [1, 3, 224, 224], data: new Float32Array(3 * 224 * 224) };
      await expect(model.clip.getImageFeatures({ pixel_values: crop })).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
    } finally {
      await model.dispose();
    }
    const pipeline = await CLIPSeg.load(files, backend, { images: rasterImageAdapter });
    try {
      const result = await pipeline.segmentImage(await decodeImage(join(shared, 'images/chelsea.png')), ['a cat', 'something to fill', 'a glass of water on a wooden table']);
      expect(goldens.diff(`${_name}: CLIPSeg pipeline a.logits`, result.logits.data, await goldens.f32('a.logits'), 1e-4)).toBeLessThanOrEqual(1e-4);
    } finally {
      await pipeline.dispose();
    }
  });

  it('format 1: CLIPSegModel.forward needs the logitScale option; the towers need a re-converted bundle', async () => {
    const files = directoryFileSet(format1Dir);
    const inputs = { input_ids: [[49406, 320, 2368, 49407]], pixel_values: await goldens.pixels('chelsea') };
    const clip = await CLIPSegModel.fromBundle(files, backend);
    try {
      expect(clip.logitScale).toBeUndefined();
      await expect(clip.forward(inputs)).rejects.toMatchObject({ code: 'HF_LOGIT_SCALE_MISSING' });
      expect(goldens.diff('format 1: a.image_embeds', (await clip.getImageFeatures(inputs)).data, await goldens.f32('a.image_embeds'), 1e-5)).toBeLessThanOrEqual(1e-5);
    } finally {
      await clip.dispose();
    }
    const scaled = await CLIPSegModel.fromBundle(files, backend, { logitScale: 2.6592 });
    try {
      const out = await scaled.forward(inputs);
      expect(out.logits_per_image.dims).toEqual([1, 1]);
      expect(out.text_model_output).toBeUndefined();
    } finally {
      await scaled.dispose();
    }
    await expect(CLIPSegTextModel.fromBundle(files, backend)).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING', message: expect.stringMatching(/CLIPSegTextModel needs the 'text_model' graph/) });
    await expect(CLIPSegVisionModel.fromBundle(files, backend)).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
  });
});
