/**
 * The building blocks shared by the CLIPSeg graphs: linear layers, layer norms, activations, multi-head
 * self-attention, and the pre-norm (CLIP) and post-norm (decoder) transformer layers.
 *
 * @module
 */
import { float } from '../onnx/attributes.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { LinearSlice, WeightStore } from './weight-store.js';

/** The graph being built and where its weights come from. */
export interface LayerContext {
  readonly g: GraphBuilder;
  readonly w: WeightStore;
}

/** Sizes of one transformer layer. */
export interface LayerShape {
  readonly hidden: number;
  readonly heads: number;
  readonly eps: number;
  readonly activation: string;
  /**
   * Run attention as one onnxruntime `com.microsoft.MultiHeadAttention` (scores, softmax and the weighted sum
   * fused, no `[batch, heads, seq, seq]` tensor in the graph) instead of MatMul → Softmax → MatMul. Offered for the
   * decoder, where it measured faster on CPU (see docs/benchmarks.md). Not with a mask.
   */
  readonly fusedAttention?: boolean;
  /**
   * Split the MLP's intermediate features into this many slices, each `act(x · W1[:, slice] + b1[slice]) ·
   * W2[slice, :]`, summed: the same products, but one slice's intermediate at a time stays in cache instead of a
   * `[tokens, intermediate]` tensor going through memory three times. Default 1.
   */
  readonly mlpSlices?: number;
}

/**
 * `x · Wᵀ (+ b)` for HF Linear `<prefix>.weight` / `<prefix>.bias`, or for the part of it `slice` names (a row slice
 * computes some outputs, with their biases; a column slice the contribution of some inputs, which takes no bias).
 * With int8 weights, one onnxruntime `DynamicQuantizeMatMul` (x quantised to uint8 per call, W int8 per output
 * channel, bias added in float32).
 */
export function linear(ctx: LayerContext, x: string, prefix: string, bias = true, slice?: LinearSlice): string {
  const { g, w } = ctx;
  // Added after the weight, so initializers keep the order: weight, (scale,) bias.
  const biasOf = (): string | undefined =>
    !bias ? undefined : slice === undefined ? w.param(g, `${prefix}.bias`) : w.vectorSlice(g, `${prefix}.bias`, slice.start, slice.count);
  if (w.quantized) {
    const q = w.quantizedLinearWeight(g, `${prefix}.weight`, slice);
    const b = biasOf();
    return g.opDomain('com.microsoft', 'DynamicQuantizeMatMul', b === undefined ? [x, q.weight, q.scale] : [x, q.weight, q.scale, '', b]);
  }
  const y = g.op('MatMul', [x, w.linearWeight(g, `${prefix}.weight`, slice)]);
  const b = biasOf();
  return b === undefined ? y : g.op('Add', [y, b]);
}

/** LayerNormalization over the last axis with HF LayerNorm `<prefix>.weight` / `<prefix>.bias`. */
export function layerNorm(ctx: LayerContext, x: string, prefix: string, eps: number): string {
  const { g, w } = ctx;
  return g.op('LayerNormalization', [x, w.param(g, `${prefix}.weight`), w.param(g, `${prefix}.bias`)], { axis: -1, epsilon: float(eps) });
}

/** HF `ACT2FN[name]` (see core's `HIDDEN_ACTIVATIONS`). */
export function activation(g: GraphBuilder, x: string, name: string): string {
  const scalar = (v: number): string => g.constFloat32([v], []);
  switch (name) {
    case 'quick_gelu':
      return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, scalar(1.702)])])]);
    case 'gelu': {
      // x · 0.5 · (1 + erf(x / √2)); Gelu itself is opset 20.
      const erf = g.op('Erf', [g.op('Mul', [x, scalar(Math.SQRT1_2)])]);
      return g.op('Mul', [g.op('Mul', [x, scalar(0.5)]), g.op('Add', [erf, scalar(1)])]);
    }
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast': {
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))
      const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, scalar(0.044715)])]), scalar(Math.sqrt(2 / Math.PI))]);
      return g.op('Mul', [g.op('Mul', [x, scalar(0.5)]), g.op('Add', [g.op('Tanh', [inner]), scalar(1)])]);
    }
    case 'relu':
      return g.op('Relu', [x]);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    default:
      throw new Error(`Unsupported activation '${name}' (internal error: the config check should have refused it).`);
  }
}

/**
 * Multi-head self-attention of HF CLIP (`<prefix>.{q,k,v,out}_proj`): scores `(q·kᵀ)·head_dim^-0.5 (+ mask)`,
 * softmax over keys. `mask`, when given, is added to the `[batch, heads, seq, seq]` scores (it broadcasts).
 */
export function selfAttention(ctx: LayerContext, x: string, prefix: string, hidden: number, heads: number, mask?: string, fused = false): string {
  const { g } = ctx;
  const headDim = hidden / heads;
  if (fused) {
    if (mask !== undefined) throw new Error('selfAttention: the fused form takes no mask (internal error).');
    const [q, k, v] = (['q', 'k', 'v'] as const).map((p) => linear(ctx, x, `${prefix}.${p}_proj`)) as [string, string, string];
    // MultiHeadAttention's default scale is 1/√head_dim, as CLIP's.
    return linear(ctx, g.opDomain('com.microsoft', 'MultiHeadAttention', [q, k, v], { num_heads: heads }), `${prefix}.out_proj`);
  }
  const split = g.constInt64([0, 0, heads, headDim]);
  const q = g.op('Transpose', [g.op('Reshape', [linear(ctx, x, `${prefix}.q_proj`), split])], { perm: [0, 2, 1, 3] });
  const k = g.op('Transpose', [g.op('Reshape', [linear(ctx, x, `${prefix}.k_proj`), split])], { perm: [0, 2, 3, 1] });
  const v = g.op('Transpose', [g.op('Reshape', [linear(ctx, x, `${prefix}.v_proj`), split])], { perm: [0, 2, 1, 3] });
  let scores = g.op('Mul', [g.op('MatMul', [q, k]), g.constFloat32([headDim ** -0.5], [])]);
  if (mask !== undefined) scores = g.op('Add', [scores, mask]);
  const probs = g.op('Softmax', [scores], { axis: -1 });
  const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] });
  const merged = g.op('Reshape', [context, g.constInt64([0, 0, hidden])]);
  return linear(ctx, merged, `${prefix}.out_proj`);
}

/**
 * MLP `fc2(act(fc1(x)))`, optionally in `slices` slices of the intermediate features (see `LayerShape.mlpSlices`):
 * slice j computes `act(fc1_j(x)) · W2[:, j]ᵀ` and the parts are summed before fc2's bias. With int8 weights each
 * part is quantised on its own (per output channel of its columns), and so is each intermediate slice.
 */
export function mlp(ctx: LayerContext, x: string, prefix: string, act: string, slices = 1): string {
  const { g, w } = ctx;
  if (slices <= 1) return linear(ctx, activation(g, linear(ctx, x, `${prefix}.fc1`), act), `${prefix}.fc2`);
  const intermediate = w.shape(`${prefix}.fc1.weight`)[0]!;
  if (intermediate % slices !== 0) throw new Error(`mlp: ${intermediate} intermediate features do not split into ${slices} slices (internal error).`);
  const count = intermediate / slices;
  let sum: string | undefined;
  for (let j = 0; j < slices; j++) {
    const hidden = activation(g, linear(ctx, x, `${prefix}.fc1`, true, { of: 'rows', start: j * count, count }), act);
    const part = linear(ctx, hidden, `${prefix}.fc2`, false, { of: 'columns', start: j * count, count });
    sum = sum === undefined ? part : g.op('Add', [sum, part]);
  }
  return g.op('Add', [sum!, w.param(g, `${prefix}.fc2.bias`)]);
}

/** Pre-norm CLIP encoder layer: `h = x + attn(LN1(x))`, `out = h + mlp(LN2(h))`. */
export function preNormLayer(ctx: LayerContext, x: string, prefix: string, shape: LayerShape, mask?: string): string {
  const { g } = ctx;
  return g.scope(prefix, () => {
    const attn = selfAttention(ctx, layerNorm(ctx, x, `${prefix}.layer_norm1`, shape.eps), `${prefix}.self_attn`, shape.hidden, shape.heads, mask);
    const h = g.op('Add', [x, attn]);
    return g.op('Add', [h, mlp(ctx, layerNorm(ctx, h, `${prefix}.layer_norm2`, shape.eps), `${prefix}.mlp`, shape.activation)]);
  });
}

/** Post-norm CLIPSeg decoder layer: `h = LN1(x + attn(x))`, `out = LN2(h + mlp(h))`, no mask. */
export function postNormLayer(ctx: LayerContext, x: string, prefix: string, shape: LayerShape): string {
  const { g } = ctx;
  return g.scope(prefix, () => {
    const attn = selfAttention(ctx, x, `${prefix}.self_attn`, shape.hidden, shape.heads, undefined, shape.fusedAttention === true);
    const h = layerNorm(ctx, g.op('Add', [x, attn]), `${prefix}.layer_norm1`, shape.eps);
    return layerNorm(ctx, g.op('Add', [h, mlp(ctx, h, `${prefix}.mlp`, shape.activation, shape.mlpSlices)]), `${prefix}.layer_norm2`, shape.eps);
  });
}
