/**
 * The differentiator on the converter's real graphs, against the PyTorch goldens of `golden/training/`:
 * - `decoder.`: frozen CLIP, text prompts, BCE-with-logits mean; the decoder graph's parameters.
 * - `full.`: every parameter trainable. The decoder graph also gives the gradients of its inputs (the vision
 *   activations and the text embeddings); those are the cotangents of the vision and text encoder graphs, each
 *   differentiated as `Σ output · cotangent` (the chain rule across graphs). At 352 px the vision graph's position
 *   table is the checkpoint's, bicubically resized in JS at conversion; its gradient goes back to the checkpoint's
 *   table through the resize's adjoint (`interpolatePositionEmbeddingsAdjoint`).
 * HF's batch holds two (image, prompt) rows; the decoder and vision graphs run one image at a time, so each row
 * runs on its own and its loss and gradients are halved (both rows have the same number of pixels, so this is the
 * batch mean).
 */
import { buildGraphs, expectedParameters } from '@clipseg/convert';
import type { GraphBuilder } from '@clipseg/convert/graph';
import { WeightStore, buildDecoderGraph, buildTextEncoderGraph, buildVisionEncoderGraph, writeModel } from '@clipseg/convert/graph';
import { interpolatePositionEmbeddingsAdjoint } from '@clipseg/core/hf';
import { describeWithShared } from '@clipseg/core/testing';
import * as ort from 'onnxruntime-node';
import { beforeAll, expect, it } from 'vitest';
import { gradientDiff, gradientTolerance, loadTrainingGoldens } from '../../test/training-goldens.js';
import type { TrainingGoldens } from '../../test/training-goldens.js';
import { bceWithLogitsMean } from './bce-with-logits.js';
import { addGradients } from './differentiate.js';

const SIZE = { height: 352, width: 352 };
const PIXELS = 352 * 352;

/** HF-named parameters (`<name>` or `<name>::T`), not the builders' constants (`scope/const_*`) or derived tables. */
const isParameter = (name: string): boolean => !name.includes('/') && (name.startsWith('decoder.') || name.startsWith('clip.'));

/** Appends `loss = Σ_k Σ outputs[k] · cot.<outputs[k]>` (cotangents as inputs) and its gradients: of the parameters and of `extra` initializers. */
function differentiateWithCotangents(g: GraphBuilder, outputs: readonly string[], dims: readonly (readonly number[])[], extra: readonly string[] = []): ReadonlyMap<string, string> {
  const terms = outputs.map((o, i) => g.op('ReduceSum', [g.op('Mul', [o, g.input(`cot.${o}`, 'float32', dims[i]!)])], { keepdims: 0 }));
  const loss = terms.reduce((a, b) => g.op('Add', [a, b]));
  const { outputs: grads, unreached } = addGradients(g, { loss, wrt: [...g.initializers().map((e) => e.name).filter(isParameter), ...extra] });
  expect(unreached).toEqual([]);
  return grads;
}

function addTo(grads: Map<string, Float64Array>, outputs: ReadonlyMap<string, string>, results: ort.InferenceSession.OnnxValueMapType, scale: number): void {
  for (const [param, output] of outputs) {
    if (!isParameter(param)) continue;
    const d = results[output]!.data as Float32Array;
    const acc = grads.get(param) ?? new Float64Array(d.length);
    d.forEach((v, k) => (acc[k] = acc[k]! + v * scale));
    grads.set(param, acc);
  }
}

describeWithShared('gradients against the PyTorch training goldens', (shared) => {
  let goldens: TrainingGoldens;
  let lossMean = 0;
  const grads = new Map<string, Float64Array>();
  /** The gradient of the vision graph's resized position table (`[1 + 22·22, D]`), summed over both rows. */
  let resizedPositionGrad = new Float64Array(0);
  let positionDims = { fromGrid: 0, toGrid: { height: 0, width: 0 }, dim: 0 };

  beforeAll(async () => {
    goldens = loadTrainingGoldens(shared);
    const { config, reader, tensors, pixels } = goldens;
    const store = new WeightStore(reader, expectedParameters(config), 'fp32');
    const acts = config.extract_layers.map((_, k) => `activation_${k}`);
    const tokens = (SIZE.height / config.vision_config.patch_size) * (SIZE.width / config.vision_config.patch_size) + 1;
    const D = config.vision_config.hidden_size;
    const P = config.projection_dim;

    const decoder = buildDecoderGraph(config, store, SIZE);
    const target = decoder.input('target', 'float32', ['prompts', 352, 352]);
    const loss = decoder.op('Identity', [bceWithLogitsMean(decoder, 'logits', target)], {}, 'loss');
    decoder.output(loss, 'float32', []);
    const decoderGrads = addGradients(decoder, { loss, wrt: [...decoder.initializers().map((e) => e.name).filter(isParameter), ...acts, 'conditional_embeddings'] }).outputs;
    const vision = buildVisionEncoderGraph(config, store, SIZE);
    const grid = { height: SIZE.height / config.vision_config.patch_size, width: SIZE.width / config.vision_config.patch_size };
    positionDims = { fromGrid: config.vision_config.image_size / config.vision_config.patch_size, toGrid: grid, dim: D };
    const resizedTable = `vision_position_embedding_${grid.height}x${grid.width}`;
    expect(vision.initializers().map((e) => e.name)).toContain(resizedTable);
    const visionGrads = differentiateWithCotangents(vision, acts, acts.map(() => [1, tokens, D]), [resizedTable]);
    resizedPositionGrad = new Float64Array(tokens * D);
    const text = buildTextEncoderGraph(config, store);
    const textGrads = differentiateWithCotangents(text, ['text_embeds'], [[2, P]]);

    const built = await buildGraphs(config, reader, { imageSize: SIZE });
    const sessions = await Promise.all([built.graphs.text_encoder, built.graphs.vision_encoder, ...(await Promise.all([decoder, vision, text].map((g) => writeModel(g))))].map((m) => ort.InferenceSession.create(m)));
    const [textForward, visionForward, decoderTrain, visionTrain, textTrain] = sessions as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
    try {
      const ids = tensors.get('inputs.input_ids')!;
      const idsTensor = new ort.Tensor('int64', ids.data as BigInt64Array, ids.shape);
      const embeds = (await textForward.run({ input_ids: idsTensor }))['text_embeds']!.data as Float32Array;
      const targets = tensors.get('inputs.target')!.data as Float32Array;
      const embedsGrad = new Float32Array(2 * P);
      for (const [row, px] of pixels.entries()) {
        const pixelTensor = new ort.Tensor('float32', px.data as Float32Array, px.shape);
        const activations = await visionForward.run({ pixel_values: pixelTensor });
        const feeds: Record<string, ort.Tensor> = {
          conditional_embeddings: new ort.Tensor('float32', embeds.slice(row * P, (row + 1) * P), [1, P]),
          target: new ort.Tensor('float32', targets.slice(row * PIXELS, (row + 1) * PIXELS), [1, 352, 352]),
        };
        for (const a of acts) feeds[a] = activations[a]!;
        const out = await decoderTrain.run(feeds);
        lossMean += Number(out['loss']!.data[0]) / 2;
        addTo(grads, decoderGrads, out, 0.5);
        embedsGrad.set(Array.from(out[decoderGrads.get('conditional_embeddings')!]!.data as Float32Array, (v) => v / 2), row * P);
        const cotangents: Record<string, ort.Tensor> = { pixel_values: pixelTensor };
        for (const a of acts) cotangents[`cot.${a}`] = new ort.Tensor('float32', Float32Array.from(out[decoderGrads.get(a)!]!.data as Float32Array, (v) => v / 2), [1, tokens, D]);
        const visionOut = await visionTrain.run(cotangents);
        addTo(grads, visionGrads, visionOut, 1);
        (visionOut[visionGrads.get(resizedTable)!]!.data as Float32Array).forEach((v, k) => (resizedPositionGrad[k] = resizedPositionGrad[k]! + v));
      }
      addTo(grads, textGrads, await textTrain.run({ input_ids: idsTensor, 'cot.text_embeds': new ort.Tensor('float32', embedsGrad, [2, P]) }), 1);
    } finally {
      await Promise.all(sessions.map((s) => s.release()));
    }
  }, 300_000);

  it('decoder.: the loss within 1e-6 and all 64 decoder gradients within max(1e-4 × max|grad|, 1e-6)', () => {
    const c = goldens.cases.decoder;
    expect(Math.abs(lossMean - c.loss_fp64)).toBeLessThan(1e-6);
    expect(c.grad_names).toHaveLength(64);
    for (const name of c.grad_names) {
      expect(gradientDiff(grads, name, goldens.tensors.get(`decoder.grad.${name}`)!), name).toBeLessThanOrEqual(gradientTolerance(c, name));
    }
  });

  it('full.: all 170 CLIP and decoder gradients within max(1e-4 × max|grad|, 1e-6), the position table through the resize adjoint', () => {
    const c = goldens.cases.full;
    expect(Math.abs(lossMean - c.loss_fp64)).toBeLessThan(1e-6);
    // The graphs' parameter is the derived 22×22 table; the checkpoint's 14×14 table gets its gradient through the
    // adjoint of the JS bicubic resize that derived it.
    const table = 'clip.vision_model.embeddings.position_embedding.weight';
    expect(grads.has(table)).toBe(false);
    const all = new Map(grads).set(table, interpolatePositionEmbeddingsAdjoint(resizedPositionGrad, positionDims));
    expect(c.grad_names.length).toBe(170);
    expect(c.grad_names).toContain(table);
    for (const name of c.grad_names) {
      const diff = gradientDiff(all, name, goldens.tensors.get(`full.grad.${name}`)!);
      expect(diff, name).toBeDefined();
      if (name === table) console.info(`${name}: max |diff| ${diff!.toExponential(2)}, tolerance ${gradientTolerance(c, name).toExponential(2)}, max |grad| ${c.grad_max_abs[name]!.toExponential(2)}`);
      expect(diff, name).toBeLessThanOrEqual(gradientTolerance(c, name));
    }
  });
});
