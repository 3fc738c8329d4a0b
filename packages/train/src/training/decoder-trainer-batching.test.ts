/**
 * DecoderTrainer.step runs a whole batch as one graph run (each prompt a row, an image's activations repeated for
 * each of its prompts): on the tiny golden model, a batch of an image with two prompts and another image with one
 * gives the prompt-weighted mean of the loss and gradients of each example stepped alone.
 */
import type { Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { buildGraphs } from '@clipseg/convert';
import { itWithShared } from '@clipseg/core/testing';
import { createNodeBackend } from '@clipseg/runtime-node';
import { expect } from 'vitest';
import { loadTrainingGoldens } from '../../test/training-goldens.js';
import { DecoderTrainer } from './decoder-trainer.js';
import type { DecoderTrainingExample } from './decoder-trainer.js';
import { buildDecoderTrainingGraph } from './decoder-training-graph.js';

const SIZE = { height: 352, width: 352 };
const PIXELS = SIZE.height * SIZE.width;

itWithShared('a batch of examples with 1 and 2 prompts is the prompt-weighted mean of the examples alone', async (shared) => {
  const { config, reader, tensors, pixels } = loadTrainingGoldens(shared);
  const backend = createNodeBackend();
  const graph = await buildDecoderTrainingGraph(config, { imageSize: SIZE });
  const built = await buildGraphs(config, reader, { imageSize: SIZE, optionalGraphs: [] });
  const vision = await backend.createSession(built.graphs.vision_encoder);
  const activations: Tensor<'float32'>[][] = [];
  for (const px of pixels) {
    const out = await vision.run({ pixel_values: createTensor('float32', px.shape, px.data as Float32Array) });
    activations.push(graph.activations.map((a) => out[a] as Tensor<'float32'>));
  }
  await vision.dispose();
  const P = config.projection_dim;
  const embeds = Float32Array.from({ length: 3 * P }, (_, i) => Math.sin(i * 1.7) * 0.5);
  const target = tensors.get('inputs.target')!.data as Float32Array;
  const two: DecoderTrainingExample = { activations: activations[0]!, conditionalEmbeddings: embeds.slice(0, 2 * P), targets: target.slice(0, 2 * PIXELS) };
  const one: DecoderTrainingExample = { activations: activations[1]!, conditionalEmbeddings: embeds.slice(2 * P), targets: target.slice(PIXELS, 2 * PIXELS) };
  const trainer = await DecoderTrainer.create(backend, graph, (name) => reader.readFloat32(name));
  try {
    const batch = await trainer.step([two, one]);
    const alone = [await trainer.step([two]), await trainer.step([one])];
    expect(Math.abs(batch.loss - (2 * alone[0]!.loss + alone[1]!.loss) / 3)).toBeLessThan(1e-6);
    for (const { name } of graph.parameters) {
      const got = batch.gradients.get(name)!;
      const a = alone[0]!.gradients.get(name)!;
      const b = alone[1]!.gradients.get(name)!;
      let scale = 0;
      let diff = 0;
      for (let k = 0; k < got.length; k++) {
        const want = (2 * a[k]! + b[k]!) / 3;
        scale = Math.max(scale, Math.abs(want));
        diff = Math.max(diff, Math.abs(got[k]! - want));
      }
      expect(diff, name).toBeLessThanOrEqual(Math.max(1e-4 * scale, 1e-7));
    }
  } finally {
    await trainer.dispose();
  }
}, 120_000);
