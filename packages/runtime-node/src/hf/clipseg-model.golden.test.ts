import { join } from 'node:path';
import type { Tensor } from '@clipseg/core';
import { CLIPSegModel, CLIPSegProcessor, CLIPSegTextModel, CLIPSegVisionModel, HFBundle } from '@clipseg/core/hf';
import { rasterImageAdapter, type RasterImage } from '@clipseg/processor';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { Goldens, hfGoldenBundle, stackRows } from '../../test/hf-golden.js';
import { createNodeBackend } from '../backend/onnxruntime-node-backend.js';
import { directoryFileSet } from '../files/directory-file-set.js';
import { decodeImage } from '../image/decode-image.js';

const shared = sharedDir();
const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];

/** A crop [.., top:top+h, left:left+w] of a [1, C, H, W] tensor. */
function crop(t: Tensor<'float32'>, top: number, left: number, h: number, w: number): Tensor<'float32'> {
  const [, C, H, W] = t.dims as [number, number, number, number];
  const out = new Float32Array(C * h * w);
  for (let c = 0; c < C; c++) for (let y = 0; y < h; y++) out.set(t.data.subarray((c * H + top + y) * W + left, (c * H + top + y) * W + left + w), (c * h + y) * w);
  return { type: 'float32', dims: [1, C, h, w], data: out };
}

describeWithShared('CLIPSegModel, CLIPSegTextModel and CLIPSegVisionModel against the HF goldens', () => {
  let bundle: HFBundle;
  let clip: CLIPSegModel;
  let text: CLIPSegTextModel;
  let vision: CLIPSegVisionModel;
  let processor: CLIPSegProcessor<RasterImage>;
  let goldens: Goldens;
  let ids: Tensor<'int64'>;
  let mask: Tensor<'int64'>;
  let chelsea: Tensor<'float32'>;

  beforeAll(async () => {
    const files = directoryFileSet(await hfGoldenBundle(shared));
    bundle = await HFBundle.load(files, createNodeBackend());
    [clip, text, vision] = [new CLIPSegModel(bundle), new CLIPSegTextModel(bundle), new CLIPSegVisionModel(bundle)];
    processor = await CLIPSegProcessor.fromPretrained(files, { images: rasterImageAdapter });
    goldens = await Goldens.open(shared);
    ids = (await goldens.tensor('inputs.input_ids')) as Tensor<'int64'>;
    mask = (await goldens.tensor('inputs.attention_mask')) as Tensor<'int64'>;
    chelsea = await goldens.pixels('chelsea');
  });
  afterAll(async () => {
    await bundle?.dispose();
    console.info(goldens?.report.join('\n'));
    await goldens?.close();
  });

  it('CLIPSegTextModel: last_hidden_state (attention mask applied), pooler_output and hidden_states', async () => {
    const out = await text.forward({ input_ids: ids, attention_mask: mask }, { outputHiddenStates: true });
    expect(out.last_hidden_state.dims).toEqual([3, 10, 32]);
    expect(goldens.diff('a.text_last_hidden_state', out.last_hidden_state.data, await goldens.f32('a.text_last_hidden_state'), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(out.hidden_states).toHaveLength(3);
    // pooler_output is last_hidden_state at the first end-of-text token.
    const last = out.last_hidden_state.data;
    [3, 4, 9].forEach((position, b) => expect(out.pooler_output.data.subarray(b * 32, (b + 1) * 32)).toEqual(last.subarray((b * 10 + position) * 32, (b * 10 + position + 1) * 32)));
    // Without the mask, the padding rows differ (HF semantics), the pooled rows do not.
    const unmasked = await text.forward({ input_ids: ids });
    expect(unmasked.hidden_states).toBeUndefined();
    expect(goldens.diff('text pooler_output, mask vs none', unmasked.pooler_output.data, out.pooler_output.data, 1e-6)).toBeLessThanOrEqual(1e-6);
    expect(goldens.diff('text last_hidden_state, mask vs none (differs)', unmasked.last_hidden_state.data, out.last_hidden_state.data, Infinity)).toBeGreaterThan(1e-3);
  });

  it('CLIPSegVisionModel at 352 (interpolated): hidden_states, pooler_output; at 224 with interpolatePosEncoding false', async () => {
    const out = await vision.forward({ pixel_values: chelsea }, { outputHiddenStates: true });
    const states = out.hidden_states!;
    expect(states).toHaveLength(5);
    for (const [j, name] of [[0, 'a.vision_hidden_states.0'], [1, 'a.vision_hidden_states.1'], [2, 'a.decoder_activations.0'], [3, 'a.decoder_activations.1'], [4, 'a.decoder_activations.2']] as const) {
      expect(goldens.diff(`${name} (CLIPSegVisionModel hidden_states[${j}])`, states[j]!.data, await goldens.f32(name), 1e-4)).toBeLessThanOrEqual(1e-4);
    }
    expect(goldens.diff('a.vision_pooled_output (CLIPSegVisionModel)', out.pooler_output.data, await goldens.f32('a.vision_pooled_output'), 1e-5)).toBeLessThanOrEqual(1e-5);
    const small = crop(chelsea, 64, 64, 224, 224);
    const fixed = await vision.forward({ pixel_values: small }, { interpolatePosEncoding: false });
    const interpolated = await vision.forward({ pixel_values: small });
    expect(fixed.pooler_output.data).toEqual(interpolated.pooler_output.data);
    await expect(vision.forward({ pixel_values: chelsea }, { interpolatePosEncoding: false })).rejects.toMatchObject({
      code: 'HF_IMAGE_SIZE',
      message: expect.stringMatching(/^Input image size \(352\*352\) doesn't match model \(224\*224\)/),
    });
  });

  it('CLIPSegModel.getTextFeatures and getImageFeatures (352 on the default graphs; 224 and 320×256 on vision_model)', async () => {
    expect(goldens.diff('a.text_embeds (getTextFeatures)', (await clip.getTextFeatures({ input_ids: ids, attention_mask: mask })).data, await goldens.f32('a.text_embeds'), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(goldens.diff('a.image_embeds (getImageFeatures 352)', (await clip.getImageFeatures({ pixel_values: chelsea })).data, await goldens.f32('a.image_embeds'), 1e-5)).toBeLessThanOrEqual(1e-5);
    const f224 = await clip.getImageFeatures({ pixel_values: crop(chelsea, 64, 64, 224, 224) });
    expect(goldens.diff('f.image_embeds_224', f224.data, await goldens.f32('f.image_embeds_224'), 1e-5)).toBeLessThanOrEqual(1e-5);
    const f320 = await clip.getImageFeatures({ pixel_values: crop(chelsea, 16, 48, 320, 256) });
    expect(goldens.diff('f.image_embeds_320x256', f320.data, await goldens.f32('f.image_embeds_320x256'), 1e-5)).toBeLessThanOrEqual(1e-5);
  });

  it('getTextFeatures with a mask that hides tokens before end-of-text runs text_model (HF applies the mask)', async () => {
    const hide = [[1, 0, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]];
    const masked = await clip.getTextFeatures({ input_ids: ids, attention_mask: hide });
    const plain = await clip.getTextFeatures({ input_ids: ids });
    const row = (t: Tensor<'float32'>, r: number) => t.data.subarray(r * 24, (r + 1) * 24);
    expect(goldens.diff('getTextFeatures row 1, standard mask', row(masked, 1), row(plain, 1), 1e-6)).toBeLessThanOrEqual(1e-6);
    expect(goldens.diff('getTextFeatures row 0, hidden token (differs)', row(masked, 0), row(plain, 0), Infinity)).toBeGreaterThan(1e-4);
  });

  it('CLIPSegModel.forward: normalised embeddings and exp(logit_scale)-scaled similarities (zero-shot classification)', async () => {
    const photo = await decodeImage(join(shared, 'images', 'chelsea.png'));
    const example = await decodeImage(join(shared, 'images', 'clipseg_example_image.jpg'));
    const inputs = await processor.call({ text: PROMPTS, images: [photo, example], padding: true });
    const out = await clip.forward(inputs as Required<typeof inputs>, { outputHiddenStates: true });
    expect(bundle.logitScale).toBe(Math.fround(2.6592));
    expect(out.logits_per_image.dims).toEqual([2, 3]);
    expect(out.logits_per_text.dims).toEqual([3, 2]);
    const textEmbeds = await goldens.f32('a.text_embeds');
    const imageEmbeds = [await goldens.f32('a.image_embeds'), await goldens.f32('c.conditional_embeddings')];
    const unit = (v: Float32Array) => {
      const n = Math.hypot(...v);
      return Array.from(v, (x) => x / n);
    };
    const scale = Math.exp(Math.fround(2.6592));
    for (let i = 0; i < 2; i++) {
      for (let t = 0; t < 3; t++) {
        const a = unit(textEmbeds.subarray(t * 24, (t + 1) * 24));
        const b = unit(imageEmbeds[i]!);
        const expected = scale * a.reduce((s, x, c) => s + x * b[c]!, 0);
        expect(Math.abs(out.logits_per_image.data[i * 3 + t]! - expected)).toBeLessThan(1e-4);
        expect(out.logits_per_text.data[t * 2 + i]).toBe(out.logits_per_image.data[i * 3 + t]);
      }
    }
    expect(goldens.diff('forward text_embeds = normalised a.text_embeds', out.text_embeds.data.subarray(0, 24), unit(textEmbeds.subarray(0, 24)), 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(out.text_model_output!.hidden_states).toHaveLength(3);
    expect(out.vision_model_output!.hidden_states).toHaveLength(5);
    expect(goldens.diff('forward vision pooler_output[0]', out.vision_model_output!.pooler_output.data.subarray(0, 48), await goldens.f32('a.vision_pooled_output'), 1e-5)).toBeLessThanOrEqual(1e-5);
  });

  it('the towers refuse what HF refuses', async () => {
    const long = [Array.from({ length: 78 }, () => 320)];
    await expect(text.forward({ input_ids: long })).rejects.toMatchObject({ code: 'HF_SEQUENCE_TOO_LONG', message: expect.stringMatching(/^Sequence length must be less than max_position_embeddings/) });
    await expect(text.forward({} as never)).rejects.toMatchObject({ code: 'HF_MISSING_INPUT', message: expect.stringMatching(/^You have to specify input_ids/) });
    await expect(text.forward({ input_ids: [[49406, 49408]] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(text.forward({ input_ids: [[49406, 49407]], attention_mask: [[1, 2]] })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
    await expect(vision.forward({ pixel_values: stackRows([crop(chelsea, 0, 0, 8, 8)]) })).rejects.toMatchObject({ code: 'HF_INVALID_INPUT' });
  });
});
