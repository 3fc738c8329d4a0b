/**
 * Runs the decoder training graph on a core `Backend` (onnxruntime-node, onnxruntime-web, …): one call gives the
 * loss and the gradients of a batch; the parameters are float32 arrays the trainer owns.
 *
 * @module
 */
import type { Backend, Session, SessionOptions, Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import type { DecoderTrainingGraph, TrainableParameter } from './decoder-training-graph.js';
import { GRADIENT_PREFIX, LOSS_ROWS_OUTPUT } from './decoder-training-graph.js';
import { TrainingError } from './training-error.js';

/** One query image of a batch with its prompts. */
export interface DecoderTrainingExample {
  /**
   * The image's cached activations, `activation_k` `[1, tokens, hidden]` in `extract_layers` order: the vision
   * encoder's outputs (a pipeline's encoded image). They do not change while the decoder trains. Every example of
   * a batch has activations of the same size (images encoded at the graph's image size).
   */
  readonly activations: readonly Tensor<'float32'>[];
  /** Conditional embeddings `[prompts × projection_dim]` row-major (text or image prompt embeddings, frozen). */
  readonly conditionalEmbeddings: Float32Array;
  /** Targets `[prompts × height × width]` row-major, 0 or 1 (or probabilities), at the graph's target size. */
  readonly targets: Float32Array;
}

/** What {@link DecoderTrainer.step} returns. */
export interface DecoderStepResult {
  /** BCE-with-logits mean over every pixel of every prompt of the batch (as HF's `forward(labels=…)`). */
  readonly loss: number;
  /** The gradient of `loss` for each parameter, by HF name, HF layout. */
  readonly gradients: ReadonlyMap<string, Float32Array>;
}

/**
 * The decoder's trainable parameters and the session of its training graph.
 *
 * @example
 * ```ts
 * const graph = await buildDecoderTrainingGraph(config);
 * const trainer = await DecoderTrainer.create(backend, graph, initialParameters);
 * const optimizer = new AdamW();
 * const { loss, gradients } = await trainer.step(batch);
 * optimizer.step(trainer.parameters, gradients);
 * ```
 */
export class DecoderTrainer {
  /** The parameters by HF name (HF layout), updated in place by an optimizer. */
  readonly parameters: ReadonlyMap<string, Float32Array>;
  private readonly session: Session;
  private readonly graph: DecoderTrainingGraph;
  private readonly projectionDim: number;

  private constructor(session: Session, graph: DecoderTrainingGraph, parameters: Map<string, Float32Array>) {
    this.session = session;
    this.graph = graph;
    this.parameters = parameters;
    this.projectionDim = graph.projectionDim;
  }

  /**
   * Loads `graph` on `backend` and takes a copy of each of its parameters from `initial` (by HF name).
   *
   * @throws TrainingError `TRAINING_INVALID_INPUT` when a parameter is missing or of another size
   */
  static async create(backend: Backend, graph: DecoderTrainingGraph, initial: (name: string) => Float32Array | Promise<Float32Array>, options?: SessionOptions): Promise<DecoderTrainer> {
    const parameters = new Map<string, Float32Array>();
    for (const { name, shape } of graph.parameters) {
      const values = await initial(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (values.length !== size) throw new TrainingError('TRAINING_INVALID_INPUT', `Parameter '${name}' has ${values.length} values, the model needs ${size} (shape [${shape.join(', ')}]); pass the checkpoint of this model.`, { parameter: name });
      parameters.set(name, Float32Array.from(values));
    }
    return new DecoderTrainer(await backend.createSession(graph.model, options), graph, parameters);
  }

  /** Names and shapes of the parameters, in graph order. */
  get parameterList(): readonly TrainableParameter[] {
    return this.graph.parameters;
  }

  /**
   * The loss and gradients of `batch` with the current parameters (the batch mean over all prompts' pixels: each
   * example's mean weighted by its share of the prompts).
   *
   * @throws TrainingError `TRAINING_INVALID_INPUT` for an empty batch or an example of the wrong sizes
   */
  async step(batch: readonly DecoderTrainingExample[]): Promise<DecoderStepResult> {
    const { height, width } = this.graph.targetSize;
    const counts = batch.map((e, i) => this.promptCount(e, i, height * width));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) throw new TrainingError('TRAINING_INVALID_INPUT', 'The batch has no prompts; pass at least one example with one prompt.');
    // One run for the whole batch: row i of every input is prompt i (its image's activations, its embedding, its
    // target), so the graph's mean over all rows is the batch loss and its gradients are the batch gradients.
    const feeds: Record<string, Tensor> = {};
    for (const { name, shape } of this.graph.parameters) feeds[name] = createTensor('float32', shape, this.parameters.get(name)!);
    this.graph.activations.forEach((name, k) => (feeds[name] = this.stackActivations(batch, counts, k, total)));
    feeds['conditional_embeddings'] = createTensor('float32', [total, this.projectionDim], concat(batch.map((e) => e.conditionalEmbeddings), total * this.projectionDim));
    feeds['target'] = createTensor('float32', [total, height, width], concat(batch.map((e) => e.targets), total * height * width));
    const fetches = [LOSS_ROWS_OUTPUT, ...this.graph.parameters.map(({ name }) => GRADIENT_PREFIX + name)];
    const out = await this.session.run(feeds, fetches);
    // The loss in float64 from the row means (each row has the same number of pixels).
    const rows = this.output(out, LOSS_ROWS_OUTPUT);
    let sum = 0;
    for (const r of rows) sum += r;
    const gradients = new Map<string, Float32Array>(this.graph.parameters.map(({ name }) => [name, this.output(out, GRADIENT_PREFIX + name)]));
    return { loss: sum / rows.length, gradients };
  }

  /** Frees the session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  private promptCount(example: DecoderTrainingExample, index: number, pixels: number): number {
    const prompts = example.conditionalEmbeddings.length / this.projectionDim;
    const ok = Number.isInteger(prompts) && example.targets.length === prompts * pixels && example.activations.length === this.graph.activations.length;
    if (!ok) {
      throw new TrainingError(
        'TRAINING_INVALID_INPUT',
        `Batch example ${index} does not fit the model: it needs ${this.graph.activations.length} activations, embeddings of a multiple of ${this.projectionDim} values and ${pixels} target values per prompt.`,
        { example: index },
      );
    }
    return prompts;
  }

  /** Activation `k` of every prompt of the batch, `[total, tokens, hidden]` (an image's rows repeated per prompt). */
  private stackActivations(batch: readonly DecoderTrainingExample[], counts: readonly number[], k: number, total: number): Tensor<'float32'> {
    const first = batch[0]!.activations[k]!;
    const [, tokens, hidden] = first.dims as [number, number, number];
    const size = tokens * hidden;
    const out = new Float32Array(total * size);
    let row = 0;
    for (const [i, example] of batch.entries()) {
      const a = example.activations[k]!;
      if (a.data.length !== size) {
        throw new TrainingError('TRAINING_INVALID_INPUT', `Batch example ${i}: activation ${k} has ${a.data.length} values, the first example's has ${size}; encode every image at the same size.`, { example: i });
      }
      for (let p = 0; p < counts[i]!; p++) out.set(a.data, size * row++);
    }
    return createTensor('float32', [total, tokens, hidden], out);
  }

  private output(out: Record<string, Tensor>, name: string): Float32Array {
    const t = out[name];
    if (t === undefined || !(t.data instanceof Float32Array)) throw new TrainingError('TRAINING_MISSING_OUTPUT', `The training graph returned no float32 '${name}'; rebuild it with buildDecoderTrainingGraph.`, { output: name });
    return t.data;
  }
}

/** The arrays one after another (`length` values in all). */
function concat(parts: readonly Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
