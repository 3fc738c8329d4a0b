/**
 * The `vision_encoder` graph: `pixel_values` → `activation_0 … activation_{k-1}`, the outputs of the vision layers
 * listed in `extract_layers`.
 *
 * @module
 */
import type { ImageSize } from '@clipseg/core';
import { activationName } from '@clipseg/core/bundle';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { deepestExtractLayer, positionGridSide } from './clipseg-graph-config.js';
import { VISION_PREFIX } from './expected-parameters.js';
import { graphGeometry } from './graph-contracts.js';
import type { LayerContext, LayerShape } from './layers.js';
import { layerNorm, preNormLayer } from './layers.js';
import { interpolatePositionEmbeddings } from './position-embeddings.js';
import type { WeightStore } from './weight-store.js';

/** The layer sizes of the vision tower. */
export function visionLayerShape(config: CLIPSegGraphConfig): LayerShape {
  const v = config.vision_config;
  return { hidden: v.hidden_size, heads: v.num_attention_heads, eps: v.layer_norm_eps, activation: v.hidden_act };
}

/**
 * Builds the vision tower up to the deepest extract layer: patch Conv (no bias), class token, position embeddings
 * resized at conversion time for `imageSize` (HF `interpolate_pos_encoding=True`), `pre_layrnorm`, and pre-norm
 * layers 0 … max(extract_layers). Layers beyond are left to the image_projector. `activation_k` is the output of
 * layer `extract_layers[k]` (HF `hidden_states[extract_layers[k] + 1]`), before `post_layernorm`.
 */
export function buildVisionEncoderGraph(config: CLIPSegGraphConfig, weights: WeightStore, imageSize: ImageSize): GraphBuilder {
  const g = new GraphBuilder('vision_encoder');
  const ctx: LayerContext = { g, w: weights };
  const vision = config.vision_config;
  const D = vision.hidden_size;
  const p = vision.patch_size;
  const { gridHeight, gridWidth, tokens } = graphGeometry(config, imageSize);
  const pixels = g.input('pixel_values', 'float32', ['batch', vision.num_channels, imageSize.height, imageSize.width]);

  const patchWeight = weights.param(g, `${VISION_PREFIX}.embeddings.patch_embedding.weight`);
  const patches = g.op('Conv', [pixels, patchWeight], { kernel_shape: [p, p], strides: [p, p] });
  const flat = g.op('Transpose', [g.op('Reshape', [patches, g.constInt64([0, D, -1])])], { perm: [0, 2, 1] });
  const classToken = weights.param(g, `${VISION_PREFIX}.embeddings.class_embedding`, [1, 1, D]);
  const batchOnes = g.op('Concat', [g.op('Shape', [pixels], { start: 0, end: 1 }), g.constInt64([1, 1])], { axis: 0 });
  const embeddings = g.op('Concat', [g.op('Expand', [classToken, batchOnes]), flat], { axis: 1 });

  const table = `${VISION_PREFIX}.embeddings.position_embedding.weight`;
  const side = positionGridSide(config);
  const positions =
    gridHeight === side && gridWidth === side
      ? weights.param(g, table, [1, tokens, D])
      : weights.derived(g, `vision_position_embedding_${gridHeight}x${gridWidth}`, [1, tokens, D], async () =>
          interpolatePositionEmbeddings(await weights.read(table), side, gridHeight, gridWidth),
        );
  let x = layerNorm(ctx, g.op('Add', [embeddings, positions]), `${VISION_PREFIX}.pre_layrnorm`, vision.layer_norm_eps);

  const layerOutputs: string[] = [];
  const shape = visionLayerShape(config);
  for (let i = 0; i <= deepestExtractLayer(config); i++) {
    x = preNormLayer(ctx, x, `${VISION_PREFIX}.encoder.layers.${i}`, shape);
    layerOutputs.push(x);
  }
  config.extract_layers.forEach((layer, k) => {
    g.op('Identity', [layerOutputs[layer]!], {}, activationName(k));
    g.output(activationName(k), 'float32', ['batch', tokens, D]);
  });
  return g;
}
