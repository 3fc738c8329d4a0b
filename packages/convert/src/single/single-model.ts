/**
 * The single-graph CLIPSeg model: text_encoder + vision_encoder + decoder in one ONNX graph with HF's
 * `CLIPSegForImageSegmentation` I/O (`input_ids`, `pixel_values`, `attention_mask` → `logits`), the layout
 * transformers.js and optimum exports use.
 *
 * @module
 */
import type { GraphContract, ImageSize } from '@clipseg/core';
import { activationName } from '@clipseg/core/bundle';
import type { CLIPSegGraphConfig } from '../graphs/clipseg-graph-config.js';
import { graphGeometry } from '../graphs/graph-contracts.js';
import { mergeModels } from './merge-models.js';

/** Path of the single-graph model inside its folder, where transformers.js looks for fp32 weights. */
export const SINGLE_MODEL_FILE = 'onnx/model.onnx';

/** The three bundle graphs the single model is made of (the image_projector is not needed for text prompts). */
export interface SingleModelParts {
  /** `text_encoder.onnx` bytes. */
  readonly text_encoder: Uint8Array;
  /** `vision_encoder.onnx` bytes. */
  readonly vision_encoder: Uint8Array;
  /** `decoder.onnx` bytes. */
  readonly decoder: Uint8Array;
}

/** Options of {@link buildSingleModel}. */
export interface BuildSingleModelOptions {
  /** `producer_version` of the merged model. */
  readonly producerVersion?: string;
  /** Extra `metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The single model's I/O: `input_ids` int64 [batch, sequence] (one row per prompt), `pixel_values` float32
 * [1, C, H, W] (ONE image, which every prompt segments: the vision tower runs once), `attention_mask` int64
 * [batch, sequence] (accepted for HF compatibility; padding after end-of-text never reaches the pooled token, so
 * it is not read) → `logits` float32 [batch, H', W'].
 */
export function singleModelContract(config: CLIPSegGraphConfig, imageSize: ImageSize): GraphContract {
  const { logitsHeight, logitsWidth } = graphGeometry(config, imageSize);
  return {
    name: 'model',
    inputs: [
      { name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'], description: 'CLIP token ids, one row per prompt' },
      { name: 'pixel_values', type: 'float32', dims: [1, config.vision_config.num_channels, imageSize.height, imageSize.width], description: 'one normalised image, CHW' },
      { name: 'attention_mask', type: 'int64', dims: ['batch', 'sequence'], description: 'accepted, not read (padding follows end-of-text)' },
    ],
    outputs: [{ name: 'logits', type: 'float32', dims: ['batch', logitsHeight, logitsWidth], description: 'segmentation logits per prompt (before the sigmoid)' }],
  };
}

/**
 * Composes the bundle's text_encoder, vision_encoder and decoder into one model (see {@link singleModelContract}):
 * `text_embeds` feeds the decoder's `conditional_embeddings`, `activation_k` the decoder's `activation_k`; every
 * other name is prefixed with its graph's name and `/`. Weights are copied once; the graphs are not changed.
 *
 * @throws `ModelMergeError` when the parts are not the bundle graphs this expects
 */
export function buildSingleModel(parts: SingleModelParts, config: CLIPSegGraphConfig, imageSize: ImageSize, options: BuildSingleModelOptions = {}): Uint8Array {
  const contract = singleModelContract(config, imageSize);
  const activations = Object.fromEntries(config.extract_layers.map((_, k) => [activationName(k), activationName(k)]));
  return mergeModels(
    [
      { model: parts.text_encoder, prefix: 'text_encoder/', outputs: { text_embeds: 'conditional_embeddings' } },
      { model: parts.vision_encoder, prefix: 'vision_encoder/', outputs: activations },
      { model: parts.decoder, prefix: 'decoder/', outputs: { logits: 'logits' } },
    ],
    {
      inputs: contract.inputs.map(({ name, type, dims }) => ({ name, type, dims: dims.map((d) => (typeof d === 'number' ? d : String(d))) })),
      outputs: ['logits'],
      graphName: 'clipseg',
      ...(options.producerVersion === undefined ? {} : { producerVersion: options.producerVersion }),
      docString: `CLIPSeg (HF CLIPSegForImageSegmentation) as one graph: text prompts × one image → logits, ${imageSize.height}x${imageSize.width}`,
      metadata: { 'clipseg.layout': 'single', 'clipseg.image_size': `${imageSize.height}x${imageSize.width}`, ...options.metadata },
    },
  );
}
