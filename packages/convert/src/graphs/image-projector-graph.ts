/**
 * The `image_projector` graph: the rest of the vision tower, for image prompts.
 *
 * @module
 */
import type { ImageSize } from '@clipseg/core';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { deepestExtractLayer } from './clipseg-graph-config.js';
import { VISION_PREFIX } from './expected-parameters.js';
import { graphGeometry } from './graph-contracts.js';
import type { LayerContext } from './layers.js';
import { layerNorm, preNormLayer } from './layers.js';
import { visionLayerShape } from './vision-encoder-graph.js';
import type { WeightStore } from './weight-store.js';

/**
 * Builds `hidden_state` (the output of vision layer max(extract_layers)) → `image_embeds`: the remaining layers
 * max+1 … N−1, `post_layernorm` on the class token and `visual_projection` (HF `get_image_features`, not
 * normalised). With vision_encoder it embeds an image prompt without duplicating any weight; when the deepest
 * extract layer is the last one, it has no layers.
 */
export function buildImageProjectorGraph(config: CLIPSegGraphConfig, weights: WeightStore, imageSize: ImageSize): GraphBuilder {
  const g = new GraphBuilder('image_projector');
  const ctx: LayerContext = { g, w: weights };
  const vision = config.vision_config;
  const { tokens } = graphGeometry(config, imageSize);
  let x = g.input('hidden_state', 'float32', ['batch', tokens, vision.hidden_size]);
  const shape = visionLayerShape(config);
  for (let i = deepestExtractLayer(config) + 1; i < vision.num_hidden_layers; i++) {
    x = preNormLayer(ctx, x, `${VISION_PREFIX}.encoder.layers.${i}`, shape);
  }
  const cls = g.op('Gather', [x, g.constInt64([0], [])], { axis: 1 });
  const pooled = layerNorm(ctx, cls, `${VISION_PREFIX}.post_layernorm`, vision.layer_norm_eps);
  g.op('MatMul', [pooled, weights.linearWeight(g, 'clip.visual_projection.weight')], {}, 'image_embeds');
  g.output('image_embeds', 'float32', ['batch', config.projection_dim]);
  return g;
}
