/**
 * The types and shapes of the CLIPSeg graphs' inputs and outputs (the four default graphs and the optional ones)
 * that the converter writes into the manifest. The names come from `@clipseg/core/bundle`
 * (`activationName`, `hiddenStateName`, ...): core owns the bundle contract.
 *
 * @module
 */
import type { BundleOptionalGraphName, GraphContract, ImageSize, TensorSpec } from '@clipseg/core';
import { activationName, hiddenStateName } from '@clipseg/core/bundle';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { deepestExtractLayer } from './clipseg-graph-config.js';

/** The processor size of the published CLIPSeg checkpoints (CIDAS/clipseg-rd64-refined): 352×352. */
export const DEFAULT_IMAGE_SIZE: ImageSize = Object.freeze({ height: 352, width: 352 });

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
export function graphGeometry(config: CLIPSegGraphConfig, imageSize: ImageSize): GraphGeometry {
  const p = config.vision_config.patch_size;
  const gridHeight = imageSize.height / p;
  const gridWidth = imageSize.width / p;
  // HF's refined head upsamples twice by patch_size // 4; the plain head once by patch_size.
  const upsample = config.use_complex_transposed_convolution ? Math.floor(p / 4) ** 2 : p;
  return { gridHeight, gridWidth, tokens: 1 + gridHeight * gridWidth, logitsHeight: gridHeight * upsample, logitsWidth: gridWidth * upsample };
}

/**
 * The contract of each graph for `config` at `imageSize`: the four of core's `BUNDLE_GRAPH_NAMES` in that order, then the
 * requested optional graphs in `BUNDLE_OPTIONAL_GRAPH_NAMES` order.
 */
export function graphContracts(config: CLIPSegGraphConfig, imageSize: ImageSize, optional: readonly BundleOptionalGraphName[] = []): GraphContract[] {
  return [...defaultGraphContracts(config, imageSize), ...optionalGraphContracts(config, imageSize).filter((c) => optional.includes(c.name as BundleOptionalGraphName))];
}

/** The contracts of the four default graphs. */
function defaultGraphContracts(config: CLIPSegGraphConfig, imageSize: ImageSize): GraphContract[] {
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

/** The contracts of every optional graph, in `BUNDLE_OPTIONAL_GRAPH_NAMES` order. */
function optionalGraphContracts(config: CLIPSegGraphConfig, imageSize: ImageSize): GraphContract[] {
  const { tokens, logitsHeight, logitsWidth } = graphGeometry(config, imageSize);
  const text = config.text_config;
  const vision = config.vision_config;
  const P = config.projection_dim;
  const H = text.hidden_size;
  const D = vision.hidden_size;
  const R = config.reduce_dim;
  const states = (count: number, dims: (i: number) => (number | string)[], what: (i: number) => string): TensorSpec[] =>
    Array.from({ length: count }, (_, i) => ({ name: hiddenStateName(i), type: 'float32', dims: dims(i), description: what(i) }));
  const layerOutput = (i: number): string => (i === 0 ? 'the encoder input (HF hidden_states[0])' : `output of encoder layer ${i - 1} (HF hidden_states[${i}])`);
  const decoder = defaultGraphContracts(config, imageSize).find((c) => c.name === 'decoder')!;
  return [
    {
      name: 'text_model',
      inputs: [
        { name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'], description: 'CLIP token ids' },
        { name: 'attention_mask', type: 'int64', dims: ['batch', 'sequence'], description: '1 for tokens to attend to, 0 for padding' },
      ],
      outputs: [
        { name: 'last_hidden_state', type: 'float32', dims: ['batch', 'sequence', H], description: 'final_layer_norm of the last layer, padding mask applied' },
        { name: 'pooler_output', type: 'float32', dims: ['batch', H], description: 'last_hidden_state at the pooled (end-of-text) position' },
        { name: 'text_embeds', type: 'float32', dims: ['batch', P], description: 'HF get_text_features: text_projection(pooler_output), not normalised' },
        ...states(text.num_hidden_layers + 1, () => ['batch', 'sequence', H], layerOutput),
      ],
    },
    {
      name: 'vision_model',
      inputs: [
        { name: 'pixel_values', type: 'float32', dims: ['batch', vision.num_channels, 'height', 'width'], description: 'normalised pixels, CHW, any size' },
        { name: 'position_embeddings', type: 'float32', dims: [1, 'tokens', D], description: 'class + patch position embeddings for the patch grid (interpolatePositionEmbeddings)' },
      ],
      outputs: [
        { name: 'last_hidden_state', type: 'float32', dims: ['batch', 'tokens', D], description: 'output of the last encoder layer (no post-norm)' },
        { name: 'pooler_output', type: 'float32', dims: ['batch', D], description: 'post_layernorm of the class token' },
        { name: 'image_embeds', type: 'float32', dims: ['batch', P], description: 'HF get_image_features: visual_projection(pooler_output), not normalised' },
        ...states(vision.num_hidden_layers + 1, () => ['batch', 'tokens', D], layerOutput),
      ],
    },
    {
      name: 'decoder_hidden_states',
      inputs: decoder.inputs,
      outputs: [
        { name: 'logits', type: 'float32', dims: ['prompts', logitsHeight, logitsWidth], description: 'segmentation logits per prompt (before the sigmoid)' },
        ...states(
          config.extract_layers.length,
          (i) => [i < config.conditional_layer ? 1 : 'prompts', tokens, R],
          (i) => `output of decoder layer ${i} (HF decoder_output.hidden_states[${i}])${i < config.conditional_layer ? '; before FiLM, the same for every prompt' : ''}`,
        ),
      ],
    },
  ];
}
