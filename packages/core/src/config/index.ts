/**
 * HuggingFace CLIPSeg configs: `config.json` (`CLIPSegConfig` with its text and vision towers), presets of the
 * published architectures, and `preprocessor_config.json` (`ViTImageProcessorConfig`).
 * @packageDocumentation
 */
export { ConfigError } from './config-error.js';
export type { ConfigErrorCode, ConfigProblem } from './config-error.js';
export { HIDDEN_ACTIVATIONS, isHiddenActivation } from './activations.js';
export type { HiddenActivation } from './activations.js';
export {
  CLIPSEG_TEXT_CONFIG_DEFAULTS,
  CLIPSEG_TEXT_MODEL_TYPE,
  CLIPSegTextConfig,
  LEGACY_EOS_TOKEN_ID,
} from './text-config.js';
export type { CLIPSegTextConfigFields, CLIPSegTextConfigInit } from './text-config.js';
export { CLIPSEG_VISION_CONFIG_DEFAULTS, CLIPSEG_VISION_MODEL_TYPE, CLIPSegVisionConfig } from './vision-config.js';
export type { CLIPSegVisionConfigFields, CLIPSegVisionConfigInit } from './vision-config.js';
export { CLIPSEG_CONFIG_DEFAULTS, CLIPSEG_MODEL_TYPE, CLIPSegConfig, usesLegacyArgmaxPooling } from './clipseg-config.js';
export type { CLIPSegConfigFields, CLIPSegConfigInit, CLIPSegConfigOverrides } from './clipseg-config.js';
export { CLIPSEG_PRESET_NAMES, clipsegPreset, isCLIPSegPresetName } from './presets.js';
export type { CLIPSegPresetName } from './presets.js';
export {
  PIL_RESAMPLE_NAMES,
  VIT_IMAGE_PROCESSOR_DEFAULTS,
  VIT_IMAGE_PROCESSOR_TYPES,
  ViTImageProcessorConfig,
} from './preprocessor-config.js';
export type {
  ImageSize,
  PilResample,
  PilResampleName,
  ViTImageProcessorFields,
  ViTImageProcessorOptions,
} from './preprocessor-config.js';
