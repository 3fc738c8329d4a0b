/**
 * `@clipseg/core/hf`: the HuggingFace model classes over a converted bundle, one for one with transformers'
 * (`CLIPSegProcessor`, `CLIPSegModel`, `CLIPSegTextModel`, `CLIPSegVisionModel`, `CLIPSegForImageSegmentation`),
 * with their inputs, outputs, checks and messages, on any `Backend`. `HFBundle` opens a bundle once for several
 * classes; `interpolatePositionEmbeddings` is HF's `interpolate_pos_encoding` table resize (and
 * `interpolatePositionEmbeddingsAdjoint` its transpose, for the table's gradient). See
 * docs/hf-api-mapping.md for each Python call and its counterpart.
 *
 * @packageDocumentation
 */

export { HFModelError } from './hf-error.js';
export type { HFModelErrorCode } from './hf-error.js';
export { HFBundle } from './hf-bundle.js';
export type { HFBundleLoadOptions } from './hf-bundle.js';
export { HFModelBase } from './hf-model-base.js';
export { CLIPSegProcessor } from './clipseg-processor.js';
export type {
  CLIPSegProcessorInputs,
  CLIPSegProcessorOptions,
  CLIPSegProcessorOutput,
  ProcessorPadding,
  ProcessorTruncation,
} from './clipseg-processor.js';
export { CLIPSegTextModel } from './clipseg-text-model.js';
export { CLIPSegVisionModel } from './clipseg-vision-model.js';
export { CLIPSegModel } from './clipseg-model.js';
export type { ImageFeaturesOptions } from './clipseg-model.js';
export { CLIPSegForImageSegmentation } from './clipseg-for-image-segmentation.js';
export type { ConditionalEmbeddingsArgs } from './clipseg-for-image-segmentation.js';
export { interpolatePositionEmbeddings, interpolatePositionEmbeddingsAdjoint } from './position-embeddings.js';
export type { PositionEmbeddingsAdjointOptions, PositionGrid } from './position-embeddings.js';
export type {
  BaseModelOutputWithPooling,
  CLIPSegDecoderOutput,
  CLIPSegImageSegmentationOutput,
  CLIPSegModelInputs,
  CLIPSegOutput,
  CLIPSegSegmentationInputs,
  CLIPSegTextInputs,
  CLIPSegVisionInputs,
  HFCallOptions,
  HFForwardOptions,
  TokenTensorLike,
} from './hf-types.js';
