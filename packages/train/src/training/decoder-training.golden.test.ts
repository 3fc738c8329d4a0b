/**
 * The public decoder training API against the PyTorch training goldens (`golden/training/`), on onnxruntime-node
 * through runtime-node's backend:
 * - `decoder.`: text prompts, two (image, prompt) rows — one batch of two examples.
 * - `visual.`: an image prompt, its conditional embedding from the vision encoder and the image projector (HF
 *   `clip.get_image_features`).
 * - `adamw.`: three AdamW steps on the `decoder.` batch from the checkpoint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { buildGraphs } from '@clipseg/convert';
import { describeWithShared } from '@clipseg/core/testing';
import { createNodeBackend } from '@clipseg/runtime-node';
import { beforeAll, expect, it } from 'vitest';
import { gradientDiff, gradientTolerance, loadTrainingGoldens } from '../../test/training-goldens.js';
import type { TrainingCase, TrainingGoldens } from '../../test/training-goldens.js';
import { AdamW } from './adamw.js';
import { DecoderTrainer } from './decoder-trainer.js';
import type { DecoderTrainingExample } from './decoder-trainer.js';
import { buildDecoderTrainingGraph } from './decoder-training-graph.js';
import type { DecoderTrainingGraph } from './decoder-training-graph.js';

const SIZE = { height: 352, width: 352 };
const PIXELS = SIZE.height * SIZE.width;

interface AdamWCase {
  readonly losses_fp64: number[];
}

const asFloat64 = (grads: ReadonlyMap<string, Float32Array>): Map<string, Float64Array> => new Map([...grads].map(([k, v]) => [k, Float64Array.from(v)]));

describeWithShared('decoder training API against the PyTorch training goldens', (shared) => {
  let goldens: TrainingGoldens;
  let graph: DecoderTrainingGraph;
  let decoderBatch: DecoderTrainingExample[];
  let visualBatch: DecoderTrainingExample[];
  const backend = createNodeBackend();

  beforeAll(async () => {
    goldens = loadTrainingGoldens(shared);
    const { config, reader, tensors, pixels } = goldens;
    graph = await buildDecoderTrainingGraph(config, { imageSize: SIZE });
    const built = await buildGraphs(config, reader, { imageSize: SIZE, optionalGraphs: [] });
    const [text, vision, projector] = await Promise.all([built.graphs.text_encoder, built.graphs.vision_encoder, built.graphs.image_projector].map((m) => backend.createSession(m)));
    try {
      const ids = tensors.get('inputs.input_ids')!;
      const embeds = (await text!.run({ input_ids: createTensor('int64', ids.shape, ids.data as BigInt64Array) }))['text_embeds']!.data as Float32Array;
      const activations: Tensor<'float32'>[][] = [];
      for (const px of pixels) {
        const out = await vision!.run({ pixel_values: createTensor('float32', px.shape, px.data as Float32Array) });
        activations.push(graph.activations.map((a) => out[a] as Tensor<'float32'>));
      }
      const targets = tensors.get('inputs.target')!.data as Float32Array;
      const P = config.projection_dim;
      decoderBatch = activations.map((acts, row) => ({ activations: acts, conditionalEmbeddings: embeds.slice(row * P, (row + 1) * P), targets: targets.slice(row * PIXELS, (row + 1) * PIXELS) }));
      // The image prompt: the deepest extracted layer's output is the projector's `hidden_state`.
      const deepest = config.extract_layers.indexOf(Math.max(...config.extract_layers));
      const imageEmbeds = (await projector!.run({ hidden_state: activations[1]![deepest]! }))['image_embeds']!.data as Float32Array;
      visualBatch = [{ activations: activations[0]!, conditionalEmbeddings: imageEmbeds, targets: tensors.get('inputs.target_visual')!.data as Float32Array }];
    } finally {
      await Promise.all([text, vision, projector].map((s) => s!.dispose()));
    }
  }, 300_000);

  const newTrainer = (): Promise<DecoderTrainer> => DecoderTrainer.create(backend, graph, (name) => goldens.reader.readFloat32(name));

  function expectCase(c: TrainingCase, prefix: string, loss: number, grads: ReadonlyMap<string, Float32Array>): void {
    expect(Math.abs(loss - c.loss_fp64)).toBeLessThan(1e-6);
    expect([...grads.keys()].sort()).toEqual([...c.grad_names].sort());
    const ours = asFloat64(grads);
    let worst = 0;
    for (const name of c.grad_names) {
      const diff = gradientDiff(ours, name, goldens.tensors.get(`${prefix}grad.${name}`)!)!;
      worst = Math.max(worst, diff / gradientTolerance(c, name));
      expect(diff, name).toBeLessThanOrEqual(gradientTolerance(c, name));
    }
    console.info(`${prefix} |loss − golden| ${Math.abs(loss - c.loss_fp64).toExponential(2)}, worst gradient error ${(worst * 100).toFixed(1)} % of its tolerance`);
  }

  it('the graph takes the 64 decoder parameters by HF name and shape', () => {
    expect(graph.parameters).toHaveLength(64);
    for (const { name, shape } of graph.parameters) expect(shape, name).toEqual(goldens.reader.list().find((e) => e.name === name)?.shape);
  });

  it('decoder.: loss within 1e-6 and every decoder gradient within tolerance, through DecoderTrainer.step', async () => {
    const trainer = await newTrainer();
    try {
      const { loss, gradients } = await trainer.step(decoderBatch);
      expectCase(goldens.cases.decoder, 'decoder.', loss, gradients);
    } finally {
      await trainer.dispose();
    }
  });

  it('visual.: an image prompt (vision encoder → image projector) gives the loss and gradients of the golden', async () => {
    const trainer = await newTrainer();
    try {
      const { loss, gradients } = await trainer.step(visualBatch);
      expectCase((goldens.cases as unknown as Record<string, TrainingCase>)['visual']!, 'visual.', loss, gradients);
    } finally {
      await trainer.dispose();
    }
  });

  it('adamw.: three AdamW steps give the three losses within 1e-6 and the parameters within 1e-5', async () => {
    const json = JSON.parse(readFileSync(join(shared, 'golden/training/clipseg-tiny-refined.json'), 'utf8')) as { cases: { adamw: AdamWCase } };
    const expectedLosses = json.cases.adamw.losses_fp64;
    const lr = 1e-3;
    const trainer = await newTrainer();
    try {
      const optimizer = new AdamW({ lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
      const losses: number[] = [];
      const times: number[] = [];
      for (let s = 0; s < 3; s++) {
        const start = performance.now();
        const { loss, gradients } = await trainer.step(decoderBatch);
        optimizer.step(trainer.parameters, gradients);
        times.push(performance.now() - start);
        losses.push(loss);
      }
      losses.forEach((loss, s) => expect(Math.abs(loss - expectedLosses[s]!), `loss ${s + 1}`).toBeLessThan(1e-6));
      let worst = 0;
      for (const [name, p] of trainer.parameters) {
        const expected = goldens.tensors.get(`adamw.step3.${name}`)!.data as Float32Array;
        expect(expected.length, name).toBe(p.length);
        if (name.endsWith('k_proj.bias')) {
          // Gradient zero up to rounding: Adam's normalised step follows the noise; any value within 3 lr of the start.
          const start = await goldens.reader.readFloat32(name);
          p.forEach((v, k) => expect(Math.abs(v - start[k]!), name).toBeLessThanOrEqual(3 * lr));
          continue;
        }
        p.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - expected[k]!))));
      }
      expect(worst).toBeLessThan(1e-5);
      console.info(`adamw. losses ${losses.map((l, s) => Math.abs(l - expectedLosses[s]!).toExponential(2)).join(', ')} from the golden; step3 max |Δp| ${worst.toExponential(2)}; step times ${times.map((t) => t.toFixed(0)).join(', ')} ms (batch of 2)`);
    } finally {
      await trainer.dispose();
    }
  });
});
