/**
 * `computeFullGradients` with an image prompt and every parameter trainable, on the tiny golden model. No golden
 * holds that case, so: the loss and the decoder's gradients must equal the `visual.` golden (the decoder's gradients
 * do not depend on which CLIP parameters train), and the gradients of the image-prompt path (visual_projection,
 * post-layernorm, the vision tower it shares with the query) must agree with central finite differences of the loss.
 */
import { createTensor, type Tensor } from '@clipseg/core';
import { describeWithShared } from '@clipseg/core/testing';
import { createNodeBackend } from '@clipseg/runtime-node';
import { beforeAll, expect, it } from 'vitest';
import { gradientTolerance, loadTrainingGoldens, type TrainingCase, type TrainingGoldens } from '../../test/training-goldens.js';
import { computeFullGradients, type FullGradients, type FullGradientsInput } from './full-gradients.js';

const backend = createNodeBackend();

describeWithShared('computeFullGradients with an image prompt, every parameter trainable', (shared) => {
  let goldens: TrainingGoldens;
  let input: FullGradientsInput;
  let result: FullGradients;

  beforeAll(async () => {
    goldens = loadTrainingGoldens(shared);
    const { config, reader, tensors, pixels } = goldens;
    const [chelsea, example] = pixels.map((px) => createTensor('float32', px.shape, px.data as Float32Array) as Tensor<'float32'>);
    input = {
      config,
      readParameter: (name) => reader.readFloat32(name),
      examples: [{ pixelValues: chelsea!, promptPixelValues: example!, target: tensors.get('inputs.target_visual')!.data as Float32Array }],
    };
    result = await computeFullGradients(backend, input);
  }, 120_000);

  it('gives the loss and the decoder gradients of the visual. golden', () => {
    const c = (goldens.cases as unknown as Record<string, TrainingCase & { loss_fp64: number }>)['visual']!;
    expect(Math.abs(result.loss - c.loss_fp64)).toBeLessThan(1e-6);
    for (const name of c.grad_names) {
      const golden = goldens.tensors.get(`visual.grad.${name}`)!.data as Float32Array;
      const ours = result.gradients.get(name)!;
      let diff = 0;
      golden.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - ours[k]!))));
      expect(diff, name).toBeLessThanOrEqual(gradientTolerance(c, name));
    }
    // The image prompt reaches visual_projection and post_layernorm; logit_scale stays unreached.
    expect(result.gradients.has('clip.visual_projection.weight')).toBe(true);
    expect(result.gradients.has('clip.vision_model.post_layernorm.weight')).toBe(true);
    expect(result.unreached).toContain('clip.logit_scale');
    expect([...result.gradients.keys()].some((n) => n.startsWith('clip.text_model.'))).toBe(false);
  });

  it('agrees with central finite differences on the image-prompt path', async () => {
    const { reader } = goldens;
    const probes = ['clip.visual_projection.weight', 'clip.vision_model.post_layernorm.bias', 'clip.vision_model.encoder.layers.3.mlp.fc2.weight', 'clip.vision_model.embeddings.patch_embedding.weight'];
    for (const name of probes) {
      const grad = result.gradients.get(name)!;
      let k = 0;
      grad.forEach((v, i) => (k = Math.abs(v) > Math.abs(grad[k]!) ? i : k));
      const base = await reader.readFloat32(name);
      const eps = Math.max(1e-3, Math.abs(base[k]!) * 1e-2);
      const lossWith = async (delta: number) => {
        const perturbed = Float32Array.from(base);
        perturbed[k] = perturbed[k]! + delta;
        return (await computeFullGradients(backend, { ...input, readParameter: (n) => (n === name ? Promise.resolve(perturbed) : reader.readFloat32(n)) })).loss;
      };
      const fd = ((await lossWith(eps)) - (await lossWith(-eps))) / (2 * eps);
      expect(Math.abs(fd - grad[k]!), `${name}[${k}]: finite difference ${fd}, gradient ${grad[k]}`).toBeLessThan(0.02 * Math.abs(grad[k]!) + 2e-5);
    }
  }, 240_000);
});
