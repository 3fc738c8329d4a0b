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
import { WeightStore, buildDecoderGraph, buildImageProjectorGraph, buildTextEncoderGraph, buildVisionEncoderGraph, writeModel } from '@clipseg/convert/graph';
import { PROJECTOR_INPUT, PROJECTOR_OUTPUT, activationName, projectorActivationIndex } from '@clipseg/core/bundle';
import { bceWithLogitsMean } from '../autodiff/bce-with-logits.js';
import { addGradients } from '../autodiff/differentiate.js';
import { differentiateWithCotangents } from './cotangent-gradients.js';
import { TrainingError } from './training-error.js';

/** One example of {@link computeFullGradients}: a query image, its prompt (a row of `inputIds`, or an example image) and its target. */
export interface FullGradientsExample {
  /** The query image, preprocessed: `pixel_values` `[1, 3, height, width]` at the model's input size. */
  readonly pixelValues: Tensor<'float32'>;
  /** The 0/1 target at the logits' size, `height × width` row-major. */
  readonly target: Float32Array;
  /**
   * An image prompt instead of a text prompt: the example image, preprocessed as the query (`[1, 3, height,
   * width]`). Its embedding is HF's `get_image_features` (vision tower, post-layernorm, `visual_projection`), all
   * trainable. Examples without one take the next row of `inputIds`, in order.
   */
  readonly promptPixelValues?: Tensor<'float32'>;
}

/** What {@link computeFullGradients} needs. */
export interface FullGradientsInput {
  /** The checkpoint's config. */
  readonly config: CLIPSegGraphConfig;
  /** Reads an HF parameter (HF name and layout), e.g. a `CheckpointReader`'s `readFloat32`. */
  readonly readParameter: (name: string) => Promise<Float32Array>;
  /**
   * The text prompts' token ids `[text examples, sequence]`: one row per example without `promptPixelValues`, in
   * order (absent when every prompt is an image). No attention mask is needed: CLIP's text tower pools at the first
   * end-of-text token under a causal mask, which never sees the padding after it.
   */
  readonly inputIds?: Tensor<'int64'>;
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
  const textRows = examples.filter((e) => e.promptPixelValues === undefined).length;
  const idRows = inputIds === undefined ? 0 : inputIds.dims.length === 2 ? inputIds.dims[0]! : -1;
  if (n === 0 || idRows !== textRows) {
    throw new TrainingError('TRAINING_INVALID_INPUT', `Give one row of input ids per text-prompted example: got ${n} examples, ${textRows} with text prompts, and ids of shape [${inputIds?.dims.join(', ') ?? ''}].`);
  }
  const pixelsPerMap = size.height * size.width;
  const pixelDims = [1, config.vision_config.num_channels, size.height, size.width].join(',');
  for (const [i, e] of examples.entries()) {
    if (e.target.length !== pixelsPerMap || e.pixelValues.dims.join(',') !== pixelDims || (e.promptPixelValues !== undefined && e.promptPixelValues.dims.join(',') !== pixelDims)) {
      throw new TrainingError('TRAINING_INVALID_INPUT', `Example ${i}: give pixel values (and prompt pixel values) [${pixelDims.split(',').join(', ')}] and a target of ${pixelsPerMap} values; got [${e.pixelValues.dims.join(', ')}] and ${e.target.length}.`, { example: i });
    }
  }
  const shapes = expectedParameters(config);
  const store = new WeightStore({ readFloat32: input.readParameter }, shapes, 'fp32');
  const patch = config.vision_config.patch_size;
  const grid = { height: size.height / patch, width: size.width / patch };
  const tokens = grid.height * grid.width + 1;
  const D = config.vision_config.hidden_size;
  const P = config.projection_dim;
  const acts = config.extract_layers.map((_, k) => activationName(k));
  const deepest = acts[projectorActivationIndex(config.extract_layers)]!;
  const params = (g: GraphBuilder): string[] => g.initializers().map((e) => e.name).filter(isParameter);
  const images = textRows < n;

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
  const projector = buildImageProjectorGraph(config, store, size);
  const projectorGrads = differentiateWithCotangents(projector, [PROJECTOR_OUTPUT], [[1, P]], [...params(projector), PROJECTOR_INPUT]);

  const graphs = [buildTextEncoderGraph(config, store), buildVisionEncoderGraph(config, store, size), decoder, vision, text, ...(images ? [buildImageProjectorGraph(config, store, size), projector] : [])];
  const models = await Promise.all(graphs.map((g) => writeModel(g)));
  const sessions: Session[] = [];
  const sums = new Map<string, Float64Array>();
  let lossSum = 0;
  const positionGrad = new Float64Array(resized ? tokens * D : 0);
  try {
    for (const m of models) sessions.push(await backend.createSession(m));
    const [textForward, visionForward, decoderTrain, visionTrain, textTrain, projectorForward, projectorTrain] = sessions as [Session, Session, Session, Session, Session, Session?, Session?];
    /** The vision tower differentiated with `cotangent` on each activation (absent: zero), into the sums. */
    const visionBackward = async (pixelValues: Tensor, cotangent: (name: string) => Float32Array | undefined) => {
      const feeds: Record<string, Tensor> = { pixel_values: pixelValues };
      for (const a of acts) feeds[`cot.${a}`] = createTensor('float32', [1, tokens, D], cotangent(a) ?? new Float32Array(tokens * D));
      const out = await visionTrain.run(feeds);
      accumulate(sums, visionGrads, out, 1);
      if (resized) (out[visionGrads.get(resizedTable)!]!.data as Float32Array).forEach((v, k) => (positionGrad[k] = positionGrad[k]! + v));
    };
    const textEmbeds = inputIds === undefined ? new Float32Array(0) : ((await textForward.run({ input_ids: inputIds }))['text_embeds']!.data as Float32Array);
    const textGrad = new Float32Array(textRows * P);
    let textRow = 0;
    for (const e of examples) {
      let embedding: Float32Array;
      let promptState: Tensor | undefined;
      if (e.promptPixelValues === undefined) {
        embedding = textEmbeds.slice(textRow * P, (textRow + 1) * P);
      } else {
        promptState = (await visionForward.run({ pixel_values: e.promptPixelValues }, [deepest]))[deepest]!;
        embedding = (await projectorForward!.run({ [PROJECTOR_INPUT]: promptState }))[PROJECTOR_OUTPUT]!.data as Float32Array;
      }
      const activations = await visionForward.run({ pixel_values: e.pixelValues });
      const feeds: Record<string, Tensor> = {
        conditional_embeddings: createTensor('float32', [1, P], embedding),
        target: createTensor('float32', [1, size.height, size.width], e.target),
      };
      for (const a of acts) feeds[a] = activations[a]!;
      const out = await decoderTrain.run(feeds);
      lossSum += Number(out['loss']!.data[0]);
      accumulate(sums, decoderGrads, out, 1 / n);
      const embeddingGrad = Float32Array.from(out[decoderGrads.get('conditional_embeddings')!]!.data as Float32Array, (v) => v / n);
      await visionBackward(e.pixelValues, (a) => Float32Array.from(out[decoderGrads.get(a)!]!.data as Float32Array, (v) => v / n));
      if (promptState === undefined) {
        textGrad.set(embeddingGrad, textRow * P);
        textRow++;
      } else {
        const projected = await projectorTrain!.run({ [PROJECTOR_INPUT]: promptState, [`cot.${PROJECTOR_OUTPUT}`]: createTensor('float32', [1, P], embeddingGrad) });
        accumulate(sums, projectorGrads, projected, 1);
        const stateGrad = projected[projectorGrads.get(PROJECTOR_INPUT)!]!.data as Float32Array;
        await visionBackward(e.promptPixelValues!, (a) => (a === deepest ? stateGrad : undefined));
      }
    }
    if (inputIds !== undefined) accumulate(sums, textGrads, await textTrain.run({ input_ids: inputIds, 'cot.text_embeds': createTensor('float32', [textRows, P], textGrad) }), 1);
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
