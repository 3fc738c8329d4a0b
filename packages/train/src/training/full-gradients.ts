/**
 * The loss and the gradient of every CLIPSeg parameter (CLIP included) for one batch of text-prompted examples, on
 * any backend: the decoder training graph, then the vision and text encoder graphs differentiated with the
 * decoder's input gradients as cotangents (the chain rule across graphs).
 *
 * @module
 */
import type { Backend, ImageSize, Session, Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { interpolatePositionEmbeddingsAdjoint } from '@clipseg/core/hf';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { expectedParameters } from '@clipseg/convert';
import type { GraphBuilder } from '@clipseg/convert/graph';
import { WeightStore, buildDecoderGraph, buildTextEncoderGraph, buildVisionEncoderGraph, writeModel } from '@clipseg/convert/graph';
import { bceWithLogitsMean } from '../autodiff/bce-with-logits.js';
import { addGradients } from '../autodiff/differentiate.js';
import { differentiateWithCotangents } from './cotangent-gradients.js';
import { TrainingError } from './training-error.js';

/** One text-prompted example of {@link computeFullGradients}. */
export interface FullGradientsExample {
  /** The query image, preprocessed: `pixel_values` `[1, 3, height, width]` at the model's input size. */
  readonly pixelValues: Tensor<'float32'>;
  /** The 0/1 target at the logits' size, `height × width` row-major. */
  readonly target: Float32Array;
}

/** What {@link computeFullGradients} needs. */
export interface FullGradientsInput {
  /** The checkpoint's config. */
  readonly config: CLIPSegGraphConfig;
  /** Reads an HF parameter (HF name and layout), e.g. a `CheckpointReader`'s `readFloat32`. */
  readonly readParameter: (name: string) => Promise<Float32Array>;
  /**
   * The prompts' token ids `[examples, sequence]`, row i for example i. No attention mask is needed: CLIP's text
   * tower pools at the first end-of-text token under a causal mask, which never sees the padding after it.
   */
  readonly inputIds: Tensor<'int64'>;
  /** The examples, one per row of `inputIds`. */
  readonly examples: readonly FullGradientsExample[];
  /** The model's input size (default 352×352). */
  readonly imageSize?: ImageSize;
}

/** The loss of a batch and its gradients. */
export interface FullGradients {
  /** BCE-with-logits, mean over every pixel of every example (the float64 mean of the examples' float32 losses). */
  readonly loss: number;
  /** The gradient of each parameter the loss reaches, by HF name, in HF layout. */
  readonly gradients: ReadonlyMap<string, Float32Array>;
  /** The HF parameters the loss does not reach (vision layers past the deepest extract layer, post-layernorm, visual projection, logit_scale …). */
  readonly unreached: readonly string[];
}

/** An HF-named parameter among a graph's initializers (`<name>` or `<name>::T`), not a builder constant or derived table. */
const isParameter = (name: string): boolean => !name.includes('/') && (name.startsWith('decoder.') || name.startsWith('clip.'));

/** Adds `scale ×` each parameter gradient of `results` into `sums`, by initializer name. */
function accumulate(sums: Map<string, Float64Array>, outputs: ReadonlyMap<string, string>, results: Record<string, Tensor>, scale: number): void {
  for (const [name, output] of outputs) {
    if (!isParameter(name)) continue;
    const d = results[output]!.data as Float32Array;
    const acc = sums.get(name) ?? new Float64Array(d.length);
    d.forEach((v, k) => (acc[k] = acc[k]! + v * scale));
    sums.set(name, acc);
  }
}

/** The gradient in HF layout of initializer `stored` (`<name>::T` is the transpose of `<name>`). */
function toHfLayout(stored: string, data: Float64Array, store: WeightStore): [string, Float32Array] {
  if (!stored.endsWith('::T')) {
    if (stored.includes('::') || stored.includes('[')) throw new TrainingError('TRAINING_INVALID_INPUT', `The training graphs hold the parameter slice '${stored}', which computeFullGradients cannot map back to its parameter (internal error).`);
    return [stored, Float32Array.from(data)];
  }
  const name = stored.slice(0, -3);
  const [rows, cols] = store.shape(name) as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = data[c * rows + r]!;
  return [name, out];
}

/**
 * Computes the loss of a batch of text-prompted examples and the gradient of every parameter it reaches, with
 * every parameter trainable (HF's `CLIPSegForImageSegmentation.forward(labels=…)`, BCE-with-logits mean).
 *
 * Five sessions run on `backend`: the text and vision encoders forward, the decoder training graph (whose input
 * gradients, of the activations and the conditional embeddings, are the cotangents of the encoders), and the
 * vision and text encoder graphs differentiated as `Σ output · cotangent`. Each example runs on its own; its loss
 * and gradients are divided by the number of examples (all have the same number of pixels, so this is the batch
 * mean). At an input size other than the checkpoint's, the vision graph's position table is the checkpoint's,
 * bicubically resized; its gradient goes back through `interpolatePositionEmbeddingsAdjoint`.
 *
 * @throws {@link TrainingError} `TRAINING_INVALID_INPUT` when the ids, pixels or targets do not fit the batch.
 */
export async function computeFullGradients(backend: Backend, input: FullGradientsInput): Promise<FullGradients> {
  const { config, examples, inputIds } = input;
  const size = input.imageSize ?? { height: 352, width: 352 };
  const n = examples.length;
  if (n === 0 || inputIds.dims.length !== 2 || inputIds.dims[0] !== n) {
    throw new TrainingError('TRAINING_INVALID_INPUT', `Give one row of input ids per example: got ${n} examples and ids of shape [${inputIds.dims.join(', ')}].`);
  }
  const pixelsPerMap = size.height * size.width;
  for (const [i, e] of examples.entries()) {
    if (e.target.length !== pixelsPerMap || e.pixelValues.dims.join(',') !== [1, config.vision_config.num_channels, size.height, size.width].join(',')) {
      throw new TrainingError('TRAINING_INVALID_INPUT', `Example ${i}: give pixel values [1, ${config.vision_config.num_channels}, ${size.height}, ${size.width}] and a target of ${pixelsPerMap} values; got [${e.pixelValues.dims.join(', ')}] and ${e.target.length}.`, { example: i });
    }
  }
  const shapes = expectedParameters(config);
  const store = new WeightStore({ readFloat32: input.readParameter }, shapes, 'fp32');
  const patch = config.vision_config.patch_size;
  const grid = { height: size.height / patch, width: size.width / patch };
  const tokens = grid.height * grid.width + 1;
  const D = config.vision_config.hidden_size;
  const P = config.projection_dim;
  const acts = config.extract_layers.map((_, k) => `activation_${k}`);
  const params = (g: GraphBuilder): string[] => g.initializers().map((e) => e.name).filter(isParameter);

  const decoder = buildDecoderGraph(config, store, size);
  const target = decoder.input('target', 'float32', ['prompts', size.height, size.width]);
  const loss = decoder.op('Identity', [bceWithLogitsMean(decoder, 'logits', target)], {}, 'loss');
  decoder.output(loss, 'float32', []);
  const decoderGrads = addGradients(decoder, { loss, wrt: [...params(decoder), ...acts, 'conditional_embeddings'] }).outputs;
  const vision = buildVisionEncoderGraph(config, store, size);
  const resizedTable = `vision_position_embedding_${grid.height}x${grid.width}`;
  const resized = vision.has(resizedTable);
  const visionGrads = differentiateWithCotangents(vision, acts, acts.map(() => [1, tokens, D]), [...params(vision), ...(resized ? [resizedTable] : [])]);
  const text = buildTextEncoderGraph(config, store);
  const textGrads = differentiateWithCotangents(text, ['text_embeds'], [['batch', P]], params(text));

  const models = await Promise.all([buildTextEncoderGraph(config, store), buildVisionEncoderGraph(config, store, size), decoder, vision, text].map((g) => writeModel(g)));
  const sessions: Session[] = [];
  const sums = new Map<string, Float64Array>();
  let lossSum = 0;
  const positionGrad = new Float64Array(resized ? tokens * D : 0);
  try {
    for (const m of models) sessions.push(await backend.createSession(m));
    const [textForward, visionForward, decoderTrain, visionTrain, textTrain] = sessions as [Session, Session, Session, Session, Session];
    const embeds = (await textForward.run({ input_ids: inputIds }))['text_embeds']!.data as Float32Array;
    const embedsGrad = new Float32Array(n * P);
    for (const [row, e] of examples.entries()) {
      const activations = await visionForward.run({ pixel_values: e.pixelValues });
      const feeds: Record<string, Tensor> = {
        conditional_embeddings: createTensor('float32', [1, P], embeds.slice(row * P, (row + 1) * P)),
        target: createTensor('float32', [1, size.height, size.width], e.target),
      };
      for (const a of acts) feeds[a] = activations[a]!;
      const out = await decoderTrain.run(feeds);
      lossSum += Number(out['loss']!.data[0]);
      accumulate(sums, decoderGrads, out, 1 / n);
      embedsGrad.set(Array.from(out[decoderGrads.get('conditional_embeddings')!]!.data as Float32Array, (v) => v / n), row * P);
      const cotangents: Record<string, Tensor> = { pixel_values: e.pixelValues };
      for (const a of acts) cotangents[`cot.${a}`] = createTensor('float32', [1, tokens, D], Float32Array.from(out[decoderGrads.get(a)!]!.data as Float32Array, (v) => v / n));
      const visionOut = await visionTrain.run(cotangents);
      accumulate(sums, visionGrads, visionOut, 1);
      if (resized) (visionOut[visionGrads.get(resizedTable)!]!.data as Float32Array).forEach((v, k) => (positionGrad[k] = positionGrad[k]! + v));
    }
    accumulate(sums, textGrads, await textTrain.run({ input_ids: inputIds, 'cot.text_embeds': createTensor('float32', [n, P], embedsGrad) }), 1);
  } finally {
    await Promise.all(sessions.map((s) => s.dispose()));
  }
  const gradients = new Map<string, Float32Array>();
  for (const [stored, data] of sums) {
    const [name, grad] = toHfLayout(stored, data, store);
    gradients.set(name, grad);
  }
  if (resized) {
    const table = 'clip.vision_model.embeddings.position_embedding.weight';
    const fromGrid = config.vision_config.image_size / patch;
    gradients.set(table, Float32Array.from(interpolatePositionEmbeddingsAdjoint(positionGrad, { fromGrid, toGrid: grid, dim: D })));
  }
  const unreached = [...shapes.keys()].filter((name) => !gradients.has(name));
  return { loss: lossSum / n, gradients, unreached };
}
