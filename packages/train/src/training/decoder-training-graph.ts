/**
 * The decoder training graph: the converter's decoder graph with its parameters as inputs, the BCE-with-logits
 * loss and the gradient of every decoder parameter, as one ONNX inference graph.
 *
 * @module
 */
import type { ImageSize } from '@clipseg/core';
import { activationName } from '@clipseg/core/bundle';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { expectedParameters } from '@clipseg/convert';
import { buildDecoderGraph, writeModel } from '@clipseg/convert/graph';
import { addGradients } from '../autodiff/differentiate.js';
import { readInt64Constants } from '../autodiff/shape-inference.js';
import { ParameterInputStore } from './parameter-input-store.js';

/** A trainable parameter of a training graph: its HF name and shape. */
export interface TrainableParameter {
  /** HF name, e.g. `decoder.layers.0.mlp.fc1.weight`; the graph input of that name, the output `grad.<name>`. */
  readonly name: string;
  /** Shape as in the HF checkpoint. */
  readonly shape: readonly number[];
}

/** Options of {@link buildDecoderTrainingGraph}. */
export interface DecoderTrainingGraphOptions {
  /** Input size of the query images whose activations are fed (default 352×352). */
  readonly imageSize?: ImageSize;
  /**
   * Slices of the decoder MLP's intermediate features (default 1: one MatMul pair per MLP, a quarter of the nodes;
   * the inference graphs' 256-wide slices measured no faster for a training step, see docs/benchmarks.md).
   */
  readonly mlpSlices?: number;
}

/** A serialized training graph and what it takes and gives. */
export interface DecoderTrainingGraph {
  /** The ONNX model (IR 8, opset 17), ready for any backend's `createSession`. */
  readonly model: Uint8Array;
  /** The decoder parameters, fed as inputs by these names and shapes, in graph order. */
  readonly parameters: readonly TrainableParameter[];
  /**
   * Names of the activation inputs (`activation_k`, `[prompts, tokens, hidden]`: row i is the activations of
   * prompt i's query image).
   */
  readonly activations: readonly string[];
  /** Width of a conditional embedding (`projection_dim`). */
  readonly projectionDim: number;
  /** Side of the target maps `[prompts, height, width]`. */
  readonly targetSize: ImageSize;
}

/** The scalar loss output of training graphs. */
export const LOSS_OUTPUT = 'loss';
/**
 * The per-row means of the loss, `[prompts, height]`: `mean_x (softplus(l) − l·t)` of each row of each logit map.
 * Their float64 mean is the loss to float32 rounding of the elements (the float32 `loss` output sums 10⁵ terms).
 */
export const LOSS_ROWS_OUTPUT = 'loss_rows';
/** The prefix of the gradient outputs: `grad.<HF parameter name>`. */
export const GRADIENT_PREFIX = 'grad.';

/**
 * Builds the decoder training graph of `config`, runtime-agnostic.
 *
 * Inputs: every `decoder.*` parameter (HF name and layout), each prompt's query-image activations `activation_k`
 * (`[prompts, tokens, hidden]`, the vision encoder's outputs), `conditional_embeddings` `[prompts, projection_dim]`
 * (text or image prompt embeddings, frozen) and `target` `[prompts, height, width]` (0/1 masks at the logits'
 * size). Outputs: `loss` (scalar, PyTorch's `binary_cross_entropy_with_logits` mean over every pixel of every
 * prompt: `softplus(l) − l·t`, as `bceWithLogitsMean`), `loss_rows` (its row means, see {@link LOSS_ROWS_OUTPUT})
 * and `grad.<name>` for each parameter. Weights are whole HF parameters (with `mlpSlices` > 1 the MLP's slices
 * become Slice ops of them), so each gradient is the whole parameter's. Un-broadcasting is decided while building
 * (the int64 constants' values are read for shape inference), so the graph has no run-time shape logic for it.
 */
export async function buildDecoderTrainingGraph(config: CLIPSegGraphConfig, options: DecoderTrainingGraphOptions = {}): Promise<DecoderTrainingGraph> {
  const imageSize = options.imageSize ?? { height: 352, width: 352 };
  const store = new ParameterInputStore(expectedParameters(config));
  // One image per prompt, so that a batch of (image, prompt) examples is one run.
  const g = buildDecoderGraph(config, store, imageSize, { imagePerPrompt: true, mlpSlices: options.mlpSlices ?? 1 });
  const target = g.input('target', 'float32', ['prompts', imageSize.height, imageSize.width]);
  // The mean in two steps, row means then their mean: onnxruntime's float32 ReduceMean over all of a prompt's
  // pixels at once was 1.3e-6 off the float64 loss; the row means also come out, for a float64 mean in JS.
  const perElement = g.op('Sub', [g.op('Softplus', ['logits']), g.op('Mul', ['logits', target])]);
  const rows = g.op('ReduceMean', [perElement], { axes: [-1], keepdims: 0 }, LOSS_ROWS_OUTPUT);
  g.output(rows, 'float32', ['prompts', imageSize.height]);
  const loss = g.op('ReduceMean', [rows], { keepdims: 0 }, LOSS_OUTPUT);
  g.output(loss, 'float32', []);
  const names = [...store.used];
  const { unreached } = addGradients(g, { loss, wrt: names, prefix: GRADIENT_PREFIX, int64Values: await readInt64Constants(g) });
  if (unreached.length > 0) throw new Error(`The decoder loss does not reach ${unreached.join(', ')} (internal error).`);
  const model = await writeModel(g);
  return {
    model,
    parameters: names.map((name) => ({ name, shape: store.shape(name) })),
    activations: config.extract_layers.map((_, k) => activationName(k)),
    projectionDim: config.projection_dim,
    targetSize: imageSize,
  };
}
