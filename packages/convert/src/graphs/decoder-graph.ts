/**
 * The `decoder` graph: one image's activations + n conditional embeddings → n logit maps.
 *
 * @module
 */
import type { ImageSize } from '@clipseg/core';
import { activationName, hiddenStateName } from '@clipseg/core/bundle';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { DECODER_PREFIX } from './expected-parameters.js';
import { graphGeometry } from './graph-contracts.js';
import type { LayerContext, LayerShape } from './layers.js';
import { linear, postNormLayer } from './layers.js';
import type { WeightStore } from './weight-store.js';

/** Conv / ConvTranspose with HF `<prefix>.weight` and `<prefix>.bias`. */
function conv(ctx: LayerContext, op: 'Conv' | 'ConvTranspose', x: string, prefix: string, kernel: number, stride: number, pad: number): string {
  const { g, w } = ctx;
  return g.op(op, [x, w.param(g, `${prefix}.weight`), w.param(g, `${prefix}.bias`)], {
    kernel_shape: [kernel, kernel],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
  });
}

/**
 * How many slices the decoder MLP's intermediate features are computed in: 256-wide slices (8 for the CIDAS
 * models' 2048), which measured about 8 % faster than one MatMul pair for the decoder at 16 prompts
 * (docs/benchmarks.md); 1 when the size does not split evenly.
 */
function mlpSlices(intermediate: number): number {
  return intermediate >= 512 && intermediate % 256 === 0 ? intermediate / 256 : 1;
}

/** Options of {@link buildDecoderGraph}. */
export interface DecoderGraphOptions {
  /**
   * Build the `decoder_hidden_states` variant: the same graph, also returning the output of each decoder layer i
   * as `hidden_state_i` (HF `decoder_output.hidden_states[i]`). Default false: the `decoder` graph.
   */
  readonly hiddenStates?: boolean;
  /** Attention as onnxruntime's fused `MultiHeadAttention` (CPU only) instead of MatMul → Softmax → MatMul (default). */
  readonly fusedAttention?: boolean;
  /**
   * Take one image per prompt: the activations are `[prompts, tokens, hidden]`, row i paired with conditional
   * embedding i (HF's batched decoder, as training batches of (image, prompt) pairs need). Default false: one image,
   * `[1, tokens, hidden]`, shared by every prompt.
   */
  readonly imagePerPrompt?: boolean;
  /**
   * Slices of the decoder MLP's intermediate features (see `LayerShape.mlpSlices`). Default: 256-wide slices where
   * the size splits so (the inference choice); 1 computes each MLP as one MatMul pair (training graphs use it:
   * no faster there, but a quarter of the nodes).
   */
  readonly mlpSlices?: number;
}

/**
 * Builds HF `CLIPSegDecoder` for ONE image and `prompts` conditional embeddings.
 *
 * The activations are taken deepest first; step i computes `reduces[i](activation) (+ previous output)`, applies
 * FiLM when `i == conditional_layer` (`film_mul(c)[:, None] * x + film_add(c)[:, None]`, on every token including
 * CLS), then the post-norm decoder layer i (ReLU MLP, `decoder_num_attention_heads`, vision `layer_norm_eps`;
 * attention as onnxruntime's fused `MultiHeadAttention` when `options.fusedAttention`, the MLP in 256-wide slices
 * of its intermediate features).
 * Everything before FiLM runs at batch 1; FiLM broadcasts `[prompts, 1, R]` against `[1, T, R]`, so the image's
 * activations serve every prompt without being tiled. (If `conditional_layer` is never reached, the output is
 * expanded to one row per prompt, as HF's batch would have it.) The class token is dropped, the tokens are laid
 * out on the patch grid (row-major) and the head upsamples: refined = Conv3×3 → ReLU → ConvTranspose(R→R/2,
 * k = s = patch/4) → ReLU → ConvTranspose(R/2→1, k = s = patch/4); plain = ConvTranspose(R→1, k = s = patch).
 *
 * With `options.hiddenStates`, each decoder layer's output is also a graph output `hidden_state_i`: `[prompts,
 * tokens, R]` from the FiLM layer on, `[1, tokens, R]` before it (those layers run once for every prompt).
 */
export function buildDecoderGraph(config: CLIPSegGraphConfig, weights: WeightStore, imageSize: ImageSize, options: DecoderGraphOptions = {}): GraphBuilder {
  const hiddenStates = options.hiddenStates === true;
  const g = new GraphBuilder(hiddenStates ? 'decoder_hidden_states' : 'decoder');
  const ctx: LayerContext = { g, w: weights };
  const vision = config.vision_config;
  const R = config.reduce_dim;
  const { gridHeight, gridWidth, tokens, logitsHeight, logitsWidth } = graphGeometry(config, imageSize);
  const imageRows = options.imagePerPrompt === true ? 'prompts' : 1;
  const activations = config.extract_layers.map((_, k) => g.input(activationName(k), 'float32', [imageRows, tokens, vision.hidden_size]));
  const cond = g.input('conditional_embeddings', 'float32', ['prompts', config.projection_dim]);
  const shape: LayerShape = { hidden: R, heads: config.decoder_num_attention_heads, eps: vision.layer_norm_eps, activation: 'relu', fusedAttention: options.fusedAttention ?? false, mlpSlices: options.mlpSlices ?? mlpSlices(config.decoder_intermediate_size) };

  let output: string | undefined;
  let conditioned = false;
  const layerOutputs: { name: string; batch: number | string }[] = [];
  [...activations].reverse().forEach((activation, i) => {
    const reduced = g.scope(`${DECODER_PREFIX}.reduces.${i}`, () => linear(ctx, activation, `${DECODER_PREFIX}.reduces.${i}`));
    output = output === undefined ? reduced : g.op('Add', [reduced, output]);
    if (i === config.conditional_layer) {
      output = g.scope(`${DECODER_PREFIX}.film`, () => {
        const axis1 = g.constInt64([1]);
        const mul = g.op('Unsqueeze', [linear(ctx, cond, `${DECODER_PREFIX}.film_mul`), axis1]);
        const add = g.op('Unsqueeze', [linear(ctx, cond, `${DECODER_PREFIX}.film_add`), axis1]);
        return g.op('Add', [g.op('Mul', [mul, output!]), add]);
      });
      conditioned = true;
    }
    output = postNormLayer(ctx, output, `${DECODER_PREFIX}.layers.${i}`, shape);
    layerOutputs.push({ name: output, batch: conditioned ? 'prompts' : imageRows });
  });
  let x = output!;
  if (!conditioned) {
    x = g.op('Expand', [x, g.op('Concat', [g.op('Shape', [cond], { start: 0, end: 1 }), g.constInt64([1, 1])], { axis: 0 })]);
  }

  const patches = g.op('Slice', [x, g.constInt64([1]), g.constInt64([tokens]), g.constInt64([1])]);
  const grid = g.op('Reshape', [g.op('Transpose', [patches], { perm: [0, 2, 1] }), g.constInt64([0, R, gridHeight, gridWidth])]);
  const head = `${DECODER_PREFIX}.transposed_convolution`;
  let logits: string;
  if (config.use_complex_transposed_convolution) {
    const k = Math.floor(vision.patch_size / 4);
    const h0 = g.op('Relu', [conv(ctx, 'Conv', grid, `${head}.0`, 3, 1, 1)]);
    const h1 = g.op('Relu', [conv(ctx, 'ConvTranspose', h0, `${head}.2`, k, k, 0)]);
    logits = conv(ctx, 'ConvTranspose', h1, `${head}.4`, k, k, 0);
  } else {
    logits = conv(ctx, 'ConvTranspose', grid, head, vision.patch_size, vision.patch_size, 0);
  }
  g.op('Squeeze', [logits, g.constInt64([1])], {}, 'logits');
  g.output('logits', 'float32', ['prompts', logitsHeight, logitsWidth]);
  if (hiddenStates) {
    layerOutputs.forEach(({ name, batch }, i) => {
      g.op('Identity', [name], {}, hiddenStateName(i));
      g.output(hiddenStateName(i), 'float32', [batch, tokens, R]);
    });
  }
  return g;
}
