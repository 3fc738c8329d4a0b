/**
 * The differentiator on the converter's real graphs, against the PyTorch goldens of `golden/training/`, through
 * `computeFullGradients` (every parameter trainable: the decoder training graph, then the vision and text encoder
 * graphs differentiated with the decoder's input gradients as cotangents; the resized position table mapped back
 * through `interpolatePositionEmbeddingsAdjoint`).
 * - `decoder.`: frozen CLIP, text prompts, BCE-with-logits mean; the decoder's parameters (the same loss, so the
 *   decoder's gradients of the full run).
 * - `full.`: every parameter trainable.
 */
import type { Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { describeWithShared } from '@clipseg/core/testing';
import { createNodeBackend } from '@clipseg/runtime-node';
import { beforeAll, expect, it } from 'vitest';
import { gradientDiff, gradientTolerance, loadTrainingGoldens } from '../../test/training-goldens.js';
import type { TrainingGoldens } from '../../test/training-goldens.js';
import { computeFullGradients } from '../training/full-gradients.js';
import type { FullGradients } from '../training/full-gradients.js';

const PIXELS = 352 * 352;

describeWithShared('gradients against the PyTorch training goldens', (shared) => {
  let goldens: TrainingGoldens;
  let result: FullGradients;
  let grads: Map<string, Float64Array>;

  beforeAll(async () => {
    goldens = loadTrainingGoldens(shared);
    const { config, reader, tensors, pixels } = goldens;
    const ids = tensors.get('inputs.input_ids')!;
    const targets = tensors.get('inputs.target')!.data as Float32Array;
    result = await computeFullGradients(createNodeBackend(), {
      config,
      readParameter: (name) => reader.readFloat32(name),
      inputIds: createTensor('int64', ids.shape, ids.data as BigInt64Array),
      examples: pixels.map((px, row) => ({
        pixelValues: createTensor('float32', px.shape, px.data as Float32Array) as Tensor<'float32'>,
        target: targets.slice(row * PIXELS, (row + 1) * PIXELS),
      })),
    });
    grads = new Map([...result.gradients].map(([name, g]) => [name, Float64Array.from(g)]));
  }, 300_000);

  it('decoder.: the loss within 1e-6 and all 64 decoder gradients within max(1e-4 × max|grad|, 1e-6)', () => {
    const c = goldens.cases.decoder;
    expect(Math.abs(result.loss - c.loss_fp64)).toBeLessThan(1e-6);
    expect(c.grad_names).toHaveLength(64);
    for (const name of c.grad_names) {
      expect(gradientDiff(grads, name, goldens.tensors.get(`decoder.grad.${name}`)!), name).toBeLessThanOrEqual(gradientTolerance(c, name));
    }
  });

  it('full.: all 170 CLIP and decoder gradients within max(1e-4 × max|grad|, 1e-6), the position table through the resize adjoint; the rest unreached', () => {
    const c = goldens.cases.full;
    expect(Math.abs(result.loss - c.loss_fp64)).toBeLessThan(1e-6);
    expect(c.grad_names.length).toBe(170);
    expect(c.grad_names).toContain('clip.vision_model.embeddings.position_embedding.weight');
    expect([...result.gradients.keys()].sort()).toEqual([...c.grad_names].sort());
    expect(result.unreached.length).toBeGreaterThan(0);
    for (const name of result.unreached) expect(c.grad_names, name).not.toContain(name);
    expect(result.unreached).toContain('clip.visual_projection.weight');
    expect(result.unreached).toContain('clip.logit_scale');
    let worst = 0;
    for (const name of c.grad_names) {
      const diff = gradientDiff(grads, name, goldens.tensors.get(`full.grad.${name}`)!);
      expect(diff, name).toBeDefined();
      expect(diff, name).toBeLessThanOrEqual(gradientTolerance(c, name));
      worst = Math.max(worst, diff! / gradientTolerance(c, name));
    }
    console.info(`full.: |loss − golden| ${Math.abs(result.loss - c.loss_fp64).toExponential(2)}, worst gradient error ${(worst * 100).toFixed(1)} % of its tolerance, ${result.unreached.length} parameters unreached`);
  });
});
