/**
 * The decoder's forward pass with its parameters as inputs: the logits of a training run's current parameters
 * without rebuilding a bundle (validation, predictions while training).
 *
 * @module
 */
import type { ImageSize } from '@clipseg/core';
import { activationName } from '@clipseg/core/bundle';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { expectedParameters } from '@clipseg/convert';
import { buildDecoderGraph, writeModel } from '@clipseg/convert/graph';
import type { TrainableParameter } from './decoder-training-graph.js';
import { ParameterInputStore } from './parameter-input-store.js';

/** A serialized decoder forward graph whose parameters are inputs. */
export interface DecoderForwardGraph {
  /** The ONNX model, ready for any backend's `createSession`. */
  readonly model: Uint8Array;
  /** The decoder parameters fed as inputs (HF names and shapes), in graph order. */
  readonly parameters: readonly TrainableParameter[];
  /** Names of the activation inputs (`activation_k`). */
  readonly activations: readonly string[];
  /** Width of a conditional embedding. */
  readonly projectionDim: number;
  /** Size of the output logits `[prompts, height, width]`. */
  readonly logitsSize: ImageSize;
}

/** The output of {@link buildDecoderForwardGraph}. */
export const LOGITS_OUTPUT = 'logits';

/**
 * Builds the decoder's forward graph with every `decoder.*` parameter an input (HF name and layout), the same graph
 * as the training graph's forward part: inputs `activation_k`, `conditional_embeddings` `[prompts,
 * projection_dim]` and the parameters; output `logits` `[prompts, height, width]`.
 */
export async function buildDecoderForwardGraph(config: CLIPSegGraphConfig, options: { readonly imageSize?: ImageSize } = {}): Promise<DecoderForwardGraph> {
  const imageSize = options.imageSize ?? { height: 352, width: 352 };
  const store = new ParameterInputStore(expectedParameters(config));
  const g = buildDecoderGraph(config, store, imageSize);
  const model = await writeModel(g);
  return {
    model,
    parameters: store.used.map((name) => ({ name, shape: store.shape(name) })),
    activations: config.extract_layers.map((_, k) => activationName(k)),
    projectionDim: config.projection_dim,
    logitsSize: imageSize,
  };
}
