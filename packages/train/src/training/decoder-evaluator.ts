/**
 * Runs the decoder's forward graph with given parameters: the logits a training run's current weights give.
 *
 * @module
 */
import type { Backend, Session, SessionOptions, Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { buildDecoderForwardGraph, LOGITS_OUTPUT, type DecoderForwardGraph } from './decoder-forward-graph.js';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import type { ImageSize } from '@clipseg/core';
import { TrainingError } from './training-error.js';

/** The decoder forward pass on a backend, parameters fed per call. */
export class DecoderEvaluator {
  private constructor(
    private readonly session: Session,
    /** The graph run. */
    readonly graph: DecoderForwardGraph,
  ) {}

  /** Builds the forward graph of `config` and loads it on `backend`. */
  static async create(backend: Backend, config: CLIPSegGraphConfig, options: { readonly imageSize?: ImageSize; readonly session?: SessionOptions } = {}): Promise<DecoderEvaluator> {
    const graph = await buildDecoderForwardGraph(config, options.imageSize === undefined ? {} : { imageSize: options.imageSize });
    return new DecoderEvaluator(await backend.createSession(graph.model, options.session), graph);
  }

  /**
   * The logits `[prompts × height × width]` (row-major) of one image's activations with `embeddings`
   * (`[prompts × projection_dim]`) under `parameters` (by HF name).
   *
   * @throws TrainingError `TRAINING_INVALID_INPUT` for a missing parameter or embeddings of the wrong width
   */
  async logits(parameters: ReadonlyMap<string, Float32Array>, activations: readonly Tensor<'float32'>[], embeddings: Float32Array): Promise<Float32Array> {
    const { projectionDim } = this.graph;
    const prompts = embeddings.length / projectionDim;
    if (!Number.isInteger(prompts) || prompts === 0 || activations.length !== this.graph.activations.length) {
      throw new TrainingError('TRAINING_INVALID_INPUT', `The decoder needs ${this.graph.activations.length} activations and embeddings of a non-zero multiple of ${projectionDim} values.`);
    }
    const feeds: Record<string, Tensor> = { conditional_embeddings: createTensor('float32', [prompts, projectionDim], embeddings) };
    this.graph.activations.forEach((name, k) => (feeds[name] = activations[k]!));
    for (const { name, shape } of this.graph.parameters) {
      const values = parameters.get(name);
      if (values === undefined) throw new TrainingError('TRAINING_INVALID_INPUT', `No values for parameter '${name}'; pass every decoder parameter.`, { parameter: name });
      feeds[name] = createTensor('float32', shape, values);
    }
    const out = (await this.session.run(feeds, [LOGITS_OUTPUT]))[LOGITS_OUTPUT];
    if (out === undefined || !(out.data instanceof Float32Array)) throw new TrainingError('TRAINING_MISSING_OUTPUT', 'The decoder forward graph returned no float32 logits; rebuild it with buildDecoderForwardGraph.');
    return out.data;
  }

  /** Frees the session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
