/**
 * The names, types and shapes of the four CLIPSeg graphs' inputs and outputs: the contract between the
 * converter and the runtimes.
 *
 * @module
 */
import { BUNDLE_GRAPH_NAMES, type BundleGraphName, type GraphContract, type ImageSize, type TensorSpec } from '@clipseg/core';
import type { ClipSegGraphConfig } from './clipseg-graph-config.js';
import { deepestExtractLayer } from './clipseg-graph-config.js';

/** The graphs of a CLIPSeg bundle (core's {@link BUNDLE_GRAPH_NAMES}). */
export const GRAPH_NAMES = BUNDLE_GRAPH_NAMES;

/** One of {@link GRAPH_NAMES}. */
export type GraphName = BundleGraphName;

/** The processor size of the published CLIPSeg checkpoints (CIDAS/clipseg-rd64-refined): 352×352. */
export const DEFAULT_IMAGE_SIZE: ImageSize = Object.freeze({ height: 352, width: 352 });

/** Name of the decoder input / vision output holding the activation of `extract_layers[index]`. */
export function activationName(index: number): string {
  return `activation_${index}`;
}

/** Sizes derived from the config and the image size that the graphs and contracts share. */
export interface GraphGeometry {
  /** Patch grid rows (`height / patch_size`). */
  readonly gridHeight: number;
  /** Patch grid columns (`width / patch_size`). */
  readonly gridWidth: number;
  /** Tokens per image: 1 + rows · columns. */
  readonly tokens: number;
  /** Logits height: the grid upsampled by the head (equal to `height` for patch sizes the head divides). */
  readonly logitsHeight: number;
  /** Logits width. */
  readonly logitsWidth: number;
}

/** Patch grid, token count and logits size for `imageSize` (which must be a multiple of the patch size). */
export function graphGeometry(config: ClipSegGraphConfig, imageSize: ImageSize): GraphGeometry {
  const p = config.vision_config.patch_size;
  const gridHeight = imageSize.height / p;
  const gridWidth = imageSize.width / p;
  // HF's refined head upsamples twice by patch_size // 4; the plain head once by patch_size.
  const upsample = config.use_complex_transposed_convolution ? Math.floor(p / 4) ** 2 : p;
  return { gridHeight, gridWidth, tokens: 1 + gridHeight * gridWidth, logitsHeight: gridHeight * upsample, logitsWidth: gridWidth * upsample };
}

/** The contract of each graph for `config` at `imageSize`, in {@link GRAPH_NAMES} order. */
export function graphContracts(config: ClipSegGraphConfig, imageSize: ImageSize): GraphContract[] {
  const { tokens, logitsHeight, logitsWidth } = graphGeometry(config, imageSize);
  const vision = config.vision_config;
  const P = config.projection_dim;
  const D = vision.hidden_size;
  const activations = (batch: number | string): TensorSpec[] =>
    config.extract_layers.map((layer, i) => ({
      name: activationName(i),
      type: 'float32',
      dims: [batch, tokens, D],
      description: `output of vision encoder layer ${layer} (0-based; HF hidden_states[${layer + 1}])`,
    }));
  return [
    {
      name: 'text_encoder',
      inputs: [{ name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'], description: 'CLIP token ids, <|startoftext|> … <|endoftext|> (any padding after it)' }],
      outputs: [{ name: 'text_embeds', type: 'float32', dims: ['batch', P], description: 'HF get_text_features: projected pooled text output, not normalised' }],
    },
    {
      name: 'vision_encoder',
      inputs: [{ name: 'pixel_values', type: 'float32', dims: ['batch', vision.num_channels, imageSize.height, imageSize.width], description: 'normalised pixels, CHW' }],
      outputs: activations('batch'),
    },
    {
      name: 'image_projector',
      inputs: [
        {
          name: 'hidden_state',
          type: 'float32',
          dims: ['batch', tokens, D],
          description: `the vision_encoder output of layer ${deepestExtractLayer(config)} (the last activation_k for the deepest extract layer)`,
        },
      ],
      outputs: [{ name: 'image_embeds', type: 'float32', dims: ['batch', P], description: 'HF get_image_features: projected pooled image output, not normalised' }],
    },
    {
      name: 'decoder',
      inputs: [
        ...activations(1),
        { name: 'conditional_embeddings', type: 'float32', dims: ['prompts', P], description: 'one text_embeds or image_embeds row per prompt' },
      ],
      outputs: [{ name: 'logits', type: 'float32', dims: ['prompts', logitsHeight, logitsWidth], description: 'segmentation logits per prompt (before the sigmoid)' }],
    },
  ];
}

/** Index k of the vision_encoder output `activation_k` that feeds the image_projector (the deepest extract layer). */
export function projectorInputActivation(config: ClipSegGraphConfig): number {
  return config.extract_layers.indexOf(deepestExtractLayer(config));
}
