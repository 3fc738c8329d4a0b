/**
 * The `text_encoder` graph: `input_ids` → `text_embeds`, HF `CLIPSegModel.get_text_features`.
 *
 * @module
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { TEXT_PREFIX } from './expected-parameters.js';
import type { LayerContext } from './layers.js';
import { layerNorm, preNormLayer } from './layers.js';
import type { WeightStore } from './weight-store.js';

/** `torch.finfo(torch.float32).min`, the value HF puts in masked attention scores. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** The `[n, n]` additive causal mask: 0 where key ≤ query, float32 min elsewhere. */
function causalMask(n: number): Float32Array {
  const mask = new Float32Array(n * n);
  for (let q = 0; q < n; q++) mask.fill(FLOAT32_MIN, q * n + q + 1, (q + 1) * n);
  return mask;
}

/**
 * Adds the `[batch, 1]` int64 index of the pooled position of each row of `ids`: the first `eosTokenId`
 * (`argmax(ids == eos)`), or `argmax(ids)` when `eosTokenId == 2` (HF's legacy rule).
 */
export function textPoolingIndex(g: GraphBuilder, ids: string, eosTokenId: number): string {
  return eosTokenId === 2
    ? g.op('ArgMax', [g.op('Cast', [ids], { to: 6 })], { axis: 1, keepdims: 1, select_last_index: 0 })
    : g.op('ArgMax', [g.op('Cast', [g.op('Equal', [ids, g.constInt64([eosTokenId], [])])], { to: 6 })], { axis: 1, keepdims: 1, select_last_index: 0 });
}

/**
 * Builds the text tower: token + position embeddings, pre-norm CLIP layers with a causal mask, the final layer
 * norm at the pooled position, and `text_projection` (no bias, not normalised).
 *
 * Pooling takes the first `eos_token_id` (`argmax(ids == eos)`), or `argmax(input_ids)` when
 * `text_config.eos_token_id == 2` (HF's legacy rule, which the CIDAS configs trigger).
 *
 * No padding mask is needed: padding only ever follows the first end-of-text token, and under the causal mask the
 * pooled row (that token, or an earlier one) attends to itself and earlier tokens only, so it never sees padding.
 * HF's padding mask changes only rows after the pooled one, which are discarded. Any `sequence` length up to
 * `max_position_embeddings` works.
 */
export function buildTextEncoderGraph(config: CLIPSegGraphConfig, weights: WeightStore): GraphBuilder {
  const g = new GraphBuilder('text_encoder');
  const ctx: LayerContext = { g, w: weights };
  const text = config.text_config;
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);

  const seq = g.op('Shape', [ids], { start: 1, end: 2 });
  const tokens = g.op('Gather', [weights.param(g, `${TEXT_PREFIX}.embeddings.token_embedding.weight`), ids], { axis: 0 });
  const zero = g.constInt64([0]);
  const positions = g.op('Slice', [weights.param(g, `${TEXT_PREFIX}.embeddings.position_embedding.weight`), zero, seq, zero]);
  let x = g.op('Add', [tokens, positions]);

  const n = text.max_position_embeddings;
  const fullMask = g.initializer('text_causal_mask', 'float32', [n, n], () => causalMask(n));
  const mask = g.op('Slice', [fullMask, g.constInt64([0, 0]), g.op('Concat', [seq, seq], { axis: 0 }), g.constInt64([0, 1])]);

  const shape = { hidden: text.hidden_size, heads: text.num_attention_heads, eps: text.layer_norm_eps, activation: text.hidden_act };
  for (let i = 0; i < text.num_hidden_layers; i++) x = preNormLayer(ctx, x, `${TEXT_PREFIX}.encoder.layers.${i}`, shape, mask);

  const pooledAt = textPoolingIndex(g, ids, text.eos_token_id);
  const pooled = g.op('GatherND', [x, pooledAt], { batch_dims: 1 });
  const normed = layerNorm(ctx, pooled, `${TEXT_PREFIX}.final_layer_norm`, text.layer_norm_eps);
  g.op('MatMul', [normed, weights.linearWeight(g, 'clip.text_projection.weight')], {}, 'text_embeds');
  g.output('text_embeds', 'float32', ['batch', config.projection_dim]);
  return g;
}
