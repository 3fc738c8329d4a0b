/**
 * Training every parameter of CLIPSeg (CLIP included) on batches of (image, text prompt, target) examples, with
 * sessions built once and parameters fed as inputs: what training a model from scratch needs.
 *
 * @module
 */
import type { Backend, ImageSize, Session, SessionOptions, Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { activationName } from '@clipseg/core/bundle';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { expectedParameters } from '@clipseg/convert';
import { buildDecoderGraph, buildTextEncoderGraph, buildVisionEncoderGraph, writeModel, type GraphBuilder } from '@clipseg/convert/graph';
import { addGradients } from '../autodiff/differentiate.js';
import { differentiateWithCotangents } from './cotangent-gradients.js';
import { LOSS_ROWS_OUTPUT } from './decoder-training-graph.js';
import { ParameterInputStore } from './parameter-input-store.js';
import { TrainingError } from './training-error.js';

/** One batch of {@link FullTrainer.step}: B examples, each an image and a text prompt. */
export interface FullTrainingBatch {
  /** The images, preprocessed: `[S, channels, height, width]` (S = B without {@link FullTrainingBatch.imageOf}). */
  readonly pixelValues: Tensor<'float32'>;
  /**
   * For each example, the index of its image in `pixelValues` (several prompts of one image: the vision tower
   * runs once for them, and their gradients meet in it). Default: example i has image i.
   */
  readonly imageOf?: readonly number[];
  /** The prompts' token ids `[B, sequence]` (padding after the end-of-text token is never seen). */
  readonly inputIds: Tensor<'int64'>;
  /** Targets `[B × height × width]`, 0 or 1 (or probabilities), at the model's input size. */
  readonly targets: Float32Array;
}

interface Graph {
  readonly session: Session;
  readonly parameters: readonly string[];
}

/** Rows `index[i]` of `t` (`[S, …]`) as a `[index.length, …]` tensor; `t` itself when the index is 0 … S − 1. */
function gatherRows(t: Tensor<'float32'>, index: readonly number[]): Tensor<'float32'> {
  const S = t.dims[0]!;
  if (index.length === S && index.every((k, i) => k === i)) return t;
  const row = t.data.length / S;
  const out = new Float32Array(index.length * row);
  index.forEach((k, i) => out.set(t.data.subarray(k * row, (k + 1) * row), i * row));
  return createTensor('float32', [index.length, ...t.dims.slice(1)], out);
}

/** The adjoint of {@link gatherRows}: rows of `t` summed into row `index[i]` of an `[S, …]` tensor. */
function scatterAddRows(t: Tensor<'float32'>, index: readonly number[], S: number): Tensor<'float32'> {
  if (index.length === S && index.every((k, i) => k === i)) return t;
  const row = t.data.length / index.length;
  const out = new Float32Array(S * row);
  index.forEach((k, i) => {
    for (let j = 0; j < row; j++) out[k * row + j] = out[k * row + j]! + t.data[i * row + j]!;
  });
  return createTensor('float32', [S, ...t.dims.slice(1)], out);
}

/**
 * Every reached parameter of CLIPSeg as float32 arrays the trainer owns (HF names and layout), and five sessions:
 * the text and vision encoders forward, the decoder's training graph (one image per prompt: HF's batched decoder)
 * with the gradients of its inputs, and the two encoders differentiated with those as cotangents. A step is five
 * session runs whatever the batch size.
 *
 * Only the model's native input size is supported (`vision_config.image_size`): a resized position table would be
 * a derived initializer, not a trainable input. Parameters the loss does not reach (vision layers past the
 * deepest extract layer, the vision post-layernorm, `visual_projection`, `logit_scale`) are not trained.
 */
export class FullTrainer {
  /** The trained parameters by HF name (HF layout), updated in place by an optimizer. */
  readonly parameters: ReadonlyMap<string, Float32Array>;
  /** Shapes of the trained parameters. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  private readonly graphs: { textForward: Graph; visionForward: Graph; decoder: Graph; vision: Graph; text: Graph };
  private readonly config: CLIPSegGraphConfig;
  private readonly size: ImageSize;

  private constructor(config: CLIPSegGraphConfig, size: ImageSize, graphs: FullTrainer['graphs'], parameters: Map<string, Float32Array>, shapes: Map<string, readonly number[]>) {
    this.config = config;
    this.size = size;
    this.graphs = graphs;
    this.parameters = parameters;
    this.shapes = shapes;
  }

  /**
   * Builds the five graphs of `config` and loads them on `backend`; copies each parameter from `initial`.
   *
   * @throws TrainingError `TRAINING_INVALID_INPUT` for a parameter of the wrong size, or an input size other than
   *   the model's native one
   */
  static async create(backend: Backend, config: CLIPSegGraphConfig, initial: (name: string) => Float32Array | Promise<Float32Array>, options: { readonly session?: SessionOptions } = {}): Promise<FullTrainer> {
    const side = config.vision_config.image_size;
    const size = { height: side, width: side };
    const shapes = expectedParameters(config);
    const tokens = (side / config.vision_config.patch_size) ** 2 + 1;
    const D = config.vision_config.hidden_size;
    const acts = config.extract_layers.map((_, k) => activationName(k));
    const load = async (g: GraphBuilder, store: ParameterInputStore): Promise<Graph> => ({ session: await backend.createSession(await writeModel(g), options.session), parameters: [...store.used] });
    const stores = Array.from({ length: 5 }, () => new ParameterInputStore(shapes));
    const [s0, s1, s2, s3, s4] = stores as [ParameterInputStore, ParameterInputStore, ParameterInputStore, ParameterInputStore, ParameterInputStore];

    const decoder = buildDecoderGraph(config, s2, size, { imagePerPrompt: true });
    const target = decoder.input('target', 'float32', ['prompts', side, side]);
    const perElement = decoder.op('Sub', [decoder.op('Softplus', ['logits']), decoder.op('Mul', ['logits', target])]);
    const rows = decoder.op('ReduceMean', [perElement], { axes: [-1], keepdims: 0 }, LOSS_ROWS_OUTPUT);
    decoder.output(rows, 'float32', ['prompts', side]);
    const loss = decoder.op('ReduceMean', [rows], { keepdims: 0 }, 'loss');
    decoder.output(loss, 'float32', []);
    addGradients(decoder, { loss, wrt: [...s2.used, ...acts, 'conditional_embeddings'] });
    const vision = buildVisionEncoderGraph(config, s3, size);
    differentiateWithCotangents(vision, acts, acts.map(() => ['batch', tokens, D]), [...s3.used]);
    const text = buildTextEncoderGraph(config, s4);
    differentiateWithCotangents(text, ['text_embeds'], [['batch', config.projection_dim]], [...s4.used]);

    const graphs = {
      textForward: await load(buildTextEncoderGraph(config, s0), s0),
      visionForward: await load(buildVisionEncoderGraph(config, s1, size), s1),
      decoder: await load(decoder, s2),
      vision: await load(vision, s3),
      text: await load(text, s4),
    };
    if (s1.used.some((n) => n.includes('::') || n.startsWith('vision_position_embedding'))) {
      throw new TrainingError('TRAINING_INVALID_INPUT', 'FullTrainer trains at the model\'s native input size only.');
    }
    const parameters = new Map<string, Float32Array>();
    const trained = new Map<string, readonly number[]>();
    for (const name of new Set([...s2.used, ...s3.used, ...s4.used])) {
      const shape = shapes.get(name)!;
      const values = await initial(name);
      const count = shape.reduce((a, b) => a * b, 1);
      if (values.length !== count) throw new TrainingError('TRAINING_INVALID_INPUT', `Parameter '${name}' has ${values.length} values, the model needs ${count}.`, { parameter: name });
      parameters.set(name, Float32Array.from(values));
      trained.set(name, shape);
    }
    return new FullTrainer(config, size, graphs, parameters, trained);
  }

  private feeds(graph: Graph): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = {};
    for (const name of graph.parameters) feeds[name] = createTensor('float32', this.shapes.get(name)!, this.parameters.get(name)!);
    return feeds;
  }

  /**
   * The loss (BCE-with-logits mean over every pixel of every example) and the gradient of every trained parameter.
   *
   * @throws TrainingError `TRAINING_INVALID_INPUT` when the batch's parts disagree in size
   */
  async step(batch: FullTrainingBatch): Promise<{ loss: number; gradients: Map<string, Float32Array> }> {
    const { height, width } = this.size;
    const S = batch.pixelValues.dims[0]!;
    const imageOf = batch.imageOf ?? Array.from({ length: S }, (_, i) => i);
    const B = imageOf.length;
    if (B === 0 || batch.inputIds.dims[0] !== B || batch.targets.length !== B * height * width || imageOf.some((k) => !Number.isInteger(k) || k < 0 || k >= S)) {
      throw new TrainingError('TRAINING_INVALID_INPUT', `A batch needs S images [S, 3, ${height}, ${width}], B rows of ids, B × ${height * width} targets and B image indices below S.`);
    }
    const { textForward, visionForward, decoder, vision, text } = this.graphs;
    const acts = this.config.extract_layers.map((_, k) => activationName(k));
    const embeds = (await textForward.session.run({ ...this.feeds(textForward), input_ids: batch.inputIds }, ['text_embeds']))['text_embeds']!;
    const activations = await visionForward.session.run({ ...this.feeds(visionForward), pixel_values: batch.pixelValues }, acts);
    const decoderFeeds: Record<string, Tensor> = { ...this.feeds(decoder), conditional_embeddings: embeds, target: createTensor('float32', [B, height, width], batch.targets) };
    for (const a of acts) decoderFeeds[a] = gatherRows(activations[a]! as Tensor<'float32'>, imageOf);
    const gradOf = (name: string) => `grad.${name}`;
    const decoderOut = await decoder.session.run(decoderFeeds, [LOSS_ROWS_OUTPUT, ...decoder.parameters.map(gradOf), ...acts.map(gradOf), gradOf('conditional_embeddings')]);
    const rows = decoderOut[LOSS_ROWS_OUTPUT]!.data as Float32Array;
    let sum = 0;
    for (const r of rows) sum += r;
    const gradients = new Map<string, Float32Array>();
    const add = (out: Record<string, Tensor>, names: readonly string[]) => {
      for (const name of names) {
        const g = out[gradOf(name)]!.data as Float32Array;
        const acc = gradients.get(name);
        if (acc === undefined) gradients.set(name, Float32Array.from(g));
        else for (let k = 0; k < acc.length; k++) acc[k] = acc[k]! + g[k]!;
      }
    };
    add(decoderOut, decoder.parameters);
    const visionFeeds: Record<string, Tensor> = { ...this.feeds(vision), pixel_values: batch.pixelValues };
    for (const a of acts) visionFeeds[`cot.${a}`] = scatterAddRows(decoderOut[gradOf(a)]! as Tensor<'float32'>, imageOf, S);
    add(await vision.session.run(visionFeeds, vision.parameters.map(gradOf)), vision.parameters);
    add(await text.session.run({ ...this.feeds(text), input_ids: batch.inputIds, 'cot.text_embeds': decoderOut[gradOf('conditional_embeddings')]! }, text.parameters.map(gradOf)), text.parameters);
    return { loss: sum / rows.length, gradients };
  }

  /** Frees the sessions. */
  async dispose(): Promise<void> {
    await Promise.all(Object.values(this.graphs).map((g) => g.session.dispose()));
  }
}
