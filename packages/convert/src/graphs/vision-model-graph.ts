/**
 * The optional `vision_model` graph: the whole HF `CLIPSegVisionTransformer` at any image size, with the position
 * embeddings as an input (computed at run time by `interpolatePositionEmbeddings`).
 *
 * @module
 */
import { hiddenStateName } from '@clipseg/core/bundle';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { VISION_PREFIX } from './expected-parameters.js';
import type { LayerContext } from './layers.js';
import { layerNorm, preNormLayer } from './layers.js';
import { visionLayerShape } from './vision-encoder-graph.js';
import type { WeightStore } from './weight-store.js';

/**
 * Builds `pixel_values` [batch, C, height, width] (any height and width; the patch Conv drops a remainder, as
 * PyTorch does) + `position_embeddings` [1, 1 + (height/p)(width/p), D] → the vision tower's outputs:
 * `last_hidden_state` (the last encoder layer's output, no post-norm), `pooler_output` (`post_layernorm` of its
 * class token), `image_embeds` (`visual_projection` of that, HF `get_image_features`) and `hidden_state_0 …
 * hidden_state_N` (0: `pre_layrnorm` of the embeddings; i: the output of encoder layer i − 1), over all N layers.
 *
 * The caller computes `position_embeddings` for the grid with `interpolatePositionEmbeddings` (HF
 * `interpolate_pos_encoding`), or passes the checkpoint table itself at the checkpoint's size.
 */
export function buildVisionModelGraph(config: CLIPSegGraphConfig, weights: WeightStore): GraphBuilder {
  const g = new GraphBuilder('vision_model');
  const ctx: LayerContext = { g, w: weights };
  const vision = config.vision_config;
  const D = vision.hidden_size;
  const p = vision.patch_size;
  const pixels = g.input('pixel_values', 'float32', ['batch', vision.num_channels, 'height', 'width']);
  const positions = g.input('position_embeddings', 'float32', [1, 'tokens', D]);

  const patchWeight = weights.param(g, `${VISION_PREFIX}.embeddings.patch_embedding.weight`);
  const patches = g.op('Conv', [pixels, patchWeight], { kernel_shape: [p, p], strides: [p, p] });
  const flat = g.op('Transpose', [g.op('Reshape', [patches, g.constInt64([0, D, -1])])], { perm: [0, 2, 1] });
  const classToken = weights.param(g, `${VISION_PREFIX}.embeddings.class_embedding`, [1, 1, D]);
  const batchOnes = g.op('Concat', [g.op('Shape', [pixels], { start: 0, end: 1 }), g.constInt64([1, 1])], { axis: 0 });
  const embeddings = g.op('Concat', [g.op('Expand', [classToken, batchOnes]), flat], { axis: 1 });
  let x = layerNorm(ctx, g.op('Add', [embeddings, positions]), `${VISION_PREFIX}.pre_layrnorm`, vision.layer_norm_eps);

  const hidden: string[] = [x];
  const shape = visionLayerShape(config);
  for (let i = 0; i < vision.num_hidden_layers; i++) {
    x = preNormLayer(ctx, x, `${VISION_PREFIX}.encoder.layers.${i}`, shape);
    hidden.push(x);
  }
  g.op('Identity', [x], {}, 'last_hidden_state');
  const cls = g.op('Gather', [x, g.constInt64([0], [])], { axis: 1 });
  g.op('Identity', [layerNorm(ctx, cls, `${VISION_PREFIX}.post_layernorm`, vision.layer_norm_eps)], {}, 'pooler_output');
  g.op('MatMul', ['pooler_output', weights.linearWeight(g, 'clip.visual_projection.weight')], {}, 'image_embeds');
  g.output('last_hidden_state', 'float32', ['batch', 'tokens', D]);
  g.output('pooler_output', 'float32', ['batch', D]);
  g.output('image_embeds', 'float32', ['batch', config.projection_dim]);
  hidden.forEach((state, i) => {
    g.op('Identity', [state], {}, hiddenStateName(i));
    g.output(hiddenStateName(i), 'float32', ['batch', 'tokens', D]);
  });
  return g;
}
