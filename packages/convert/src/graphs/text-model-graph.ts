/**
 * The optional `text_model` graph: `input_ids` + `attention_mask` → the whole HF `CLIPSegTextTransformer` output
 * (`last_hidden_state`, `pooler_output`, every hidden state) and `text_embeds`.
 *
 * @module
 */
import { hiddenStateName } from '@clipseg/core/bundle';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { TEXT_PREFIX } from './expected-parameters.js';
import type { LayerContext } from './layers.js';
import { layerNorm, preNormLayer } from './layers.js';
import { FLOAT32_MIN, textPoolingIndex } from './text-encoder-graph.js';
import type { WeightStore } from './weight-store.js';

/** The `[n, n]` causal pattern: 1 where key ≤ query, 0 elsewhere. */
function causalPattern(n: number): Float32Array {
  const allowed = new Float32Array(n * n);
  for (let q = 0; q < n; q++) allowed.fill(1, q * n, q * n + q + 1);
  return allowed;
}

/**
 * Builds the whole text tower as HF `CLIPSegTextModel` runs it with an attention mask: token + position
 * embeddings, pre-norm CLIP layers, `final_layer_norm` on every position (`last_hidden_state`), pooling at the
 * first `eos_token_id` (or `argmax(input_ids)` when `eos_token_id == 2`) for `pooler_output`, and
 * `text_projection` of it (`text_embeds`, HF `get_text_features`).
 *
 * The attention of query q to key k is allowed when k ≤ q and `attention_mask[b, k] == 1` (HF's causal mask
 * combined with the padding mask); disallowed scores get float32's lowest value, so a row with no allowed key
 * attends uniformly, as in HF. Unlike the `text_encoder` graph, padding rows of `last_hidden_state` therefore match
 * HF. `hidden_state_0` is the embedding output and `hidden_state_i` the output of encoder layer i − 1, before
 * `final_layer_norm` (HF `hidden_states`).
 */
export function buildTextModelGraph(config: CLIPSegGraphConfig, weights: WeightStore): GraphBuilder {
  const g = new GraphBuilder('text_model');
  const ctx: LayerContext = { g, w: weights };
  const text = config.text_config;
  const H = text.hidden_size;
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'sequence']);

  const seq = g.op('Shape', [ids], { start: 1, end: 2 });
  const tokens = g.op('Gather', [weights.param(g, `${TEXT_PREFIX}.embeddings.token_embedding.weight`), ids], { axis: 0 });
  const zero = g.constInt64([0]);
  const positions = g.op('Slice', [weights.param(g, `${TEXT_PREFIX}.embeddings.position_embedding.weight`), zero, seq, zero]);
  let x = g.op('Add', [tokens, positions]);

  const n = text.max_position_embeddings;
  const pattern = g.initializer('text_causal_pattern', 'float32', [n, n], () => causalPattern(n));
  const causal = g.op('Slice', [pattern, g.constInt64([0, 0]), g.op('Concat', [seq, seq], { axis: 0 }), g.constInt64([0, 1])]);
  const keys = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: 1 }), g.constInt64([1, 2])]);
  const allowed = g.op('Mul', [causal, keys]);
  const mask = g.op('Mul', [g.op('Sub', [g.constFloat32([1], []), allowed]), g.constFloat32([FLOAT32_MIN], [])]);

  const hidden: string[] = [x];
  const shape = { hidden: H, heads: text.num_attention_heads, eps: text.layer_norm_eps, activation: text.hidden_act };
  for (let i = 0; i < text.num_hidden_layers; i++) {
    x = preNormLayer(ctx, x, `${TEXT_PREFIX}.encoder.layers.${i}`, shape, mask);
    hidden.push(x);
  }
  const last = layerNorm(ctx, x, `${TEXT_PREFIX}.final_layer_norm`, text.layer_norm_eps);
  g.op('Identity', [last], {}, 'last_hidden_state');
  g.op('GatherND', [last, textPoolingIndex(g, ids, text.eos_token_id)], { batch_dims: 1 }, 'pooler_output');
  g.op('MatMul', ['pooler_output', weights.linearWeight(g, 'clip.text_projection.weight')], {}, 'text_embeds');
  g.output('last_hidden_state', 'float32', ['batch', 'sequence', H]);
  g.output('pooler_output', 'float32', ['batch', H]);
  g.output('text_embeds', 'float32', ['batch', config.projection_dim]);
  hidden.forEach((state, i) => {
    g.op('Identity', [state], {}, hiddenStateName(i));
    g.output(hiddenStateName(i), 'float32', ['batch', 'sequence', H]);
  });
  return g;
}
