/**
 * `@clipseg/core`: the runtime-agnostic heart of the CLIPSeg toolkit (no DOM, no `node:` imports). It leads with
 * the `CLIPSeg` segmentation pipeline over any `Backend`, and the ONNX bundle format it reads; around them the HF
 * configs, the CLIP tokenizer, tensors, safetensors I/O, the Hugging Face Hub protocol and the backend contract
 * that runtimes implement.
 *
 * Subpaths: `@clipseg/core/hf` (the HF model classes), `@clipseg/core/bundle` (graph input/output names and
 * `openBundle`, for tools that write or read bundles), `@clipseg/core/ort` (the onnxruntime session adapter),
 * `@clipseg/core/utf8` (strict UTF-8) and `@clipseg/core/testing` (the backend contract tests and fakes).
 *
 * @packageDocumentation
 */

// The CLIPSeg pipeline (over any Backend)
export { CLIPSeg } from './pipeline/clipseg.js';
export type { CLIPSegLoadOptions, PipelineCallOptions, Prompts } from './pipeline/clipseg.js';
export { ImageHandle } from './pipeline/image-handle.js';
export { SegmentationResult } from './pipeline/segmentation-result.js';
export { PipelineError } from './pipeline/pipeline-error.js';
export type { PipelineErrorCode } from './pipeline/pipeline-error.js';
export { DEFAULT_VISUAL_PROMPT_MODE, VISUAL_PROMPT_MODES, isVisualPromptMode } from './pipeline/image-adapter.js';
export type { Box, ImageAdapter, VisualPromptMode, VisualPromptRegion } from './pipeline/image-adapter.js';
export type { EmbeddingPrompt, ImagePrompt, MixPart, MixPrompt, Prompt, TextPrompt } from './pipeline/prompt.js';
export type { PipelineStats } from './pipeline/pipeline-stats.js';
export { PIPELINE_LIMITS } from './pipeline/pipeline-limits.js';
export type { PipelineLimits } from './pipeline/pipeline-limits.js';

// The ONNX bundle format (manifest.json); graph input/output names and openBundle are at @clipseg/core/bundle
export { BundleError } from './bundle/bundle-error.js';
export type { BundleErrorCode } from './bundle/bundle-error.js';
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_WEIGHT_DTYPES, isBundleWeightDType, parseBundleManifest } from './bundle/bundle-manifest.js';
export type { BundleFileEntry, BundleGraphEntry, BundleManifest, BundleWeightDType } from './bundle/bundle-manifest.js';
export { BUNDLE_GRAPH_NAMES, BUNDLE_MANIFEST_FILE, BUNDLE_OPTIONAL_GRAPH_NAMES, isBundleOptionalGraphName } from './bundle/graph-names.js';
export type { AnyBundleGraphName, BundleGraphName, BundleOptionalGraphName } from './bundle/graph-names.js';
export { BUNDLE_VERIFICATIONS } from './bundle/bundle-files.js';
export type { BundleVerification } from './bundle/bundle-files.js';

// Errors
export { CLIPSegError, isCLIPSegError } from './errors.js';

// HF configs
export { ConfigError } from './config/config-error.js';
export type { ConfigErrorCode, ConfigProblem } from './config/config-error.js';
export { HIDDEN_ACTIVATIONS, isHiddenActivation } from './config/activations.js';
export type { HiddenActivation } from './config/activations.js';
export {
  CLIPSEG_TEXT_CONFIG_DEFAULTS,
  CLIPSEG_TEXT_MODEL_TYPE,
  CLIPSegTextConfig,
  LEGACY_EOS_TOKEN_ID,
} from './config/text-config.js';
export type { CLIPSegTextConfigFields, CLIPSegTextConfigInit } from './config/text-config.js';
export { CLIPSEG_VISION_CONFIG_DEFAULTS, CLIPSEG_VISION_MODEL_TYPE, CLIPSegVisionConfig } from './config/vision-config.js';
export type { CLIPSegVisionConfigFields, CLIPSegVisionConfigInit } from './config/vision-config.js';
export { CLIPSEG_CONFIG_DEFAULTS, CLIPSEG_MODEL_TYPE, CLIPSegConfig, usesLegacyArgmaxPooling } from './config/clipseg-config.js';
export type { CLIPSegConfigFields, CLIPSegConfigInit, CLIPSegConfigOverrides } from './config/clipseg-config.js';
export { CLIPSEG_PRESET_NAMES, clipsegPreset, isCLIPSegPresetName } from './config/presets.js';
export type { CLIPSegPresetName } from './config/presets.js';
export {
  MAX_IMAGE_SIDE,
  PIL_RESAMPLE_NAMES,
  VIT_IMAGE_PROCESSOR_DEFAULTS,
  VIT_IMAGE_PROCESSOR_TYPES,
  ViTImageProcessorConfig,
} from './config/preprocessor-config.js';
export type {
  ImageSize,
  PilResample,
  PilResampleName,
  ViTImageProcessorFields,
  ViTImageProcessorOptions,
} from './config/preprocessor-config.js';

// Loading from named files
export { memoryFileSet, openSource, readText } from './loading/file-set.js';
export type { FileSet } from './loading/file-set.js';
export { loadTokenizer, TokenizerFilesError } from './loading/load-tokenizer.js';
export type { TokenizerFilesErrorCode } from './loading/load-tokenizer.js';

// CLIP tokenizer
export { CLIPTokenizer } from './tokenizer/clip-tokenizer.js';
export type { CLIPTokenizerOptions, CallOptions, DecodeOptions, EncodeOptions } from './tokenizer/clip-tokenizer.js';
export { batchEncodingToTensors } from './tokenizer/batch-encoding.js';
export type { BatchEncoding, BatchEncodingTensors } from './tokenizer/batch-encoding.js';
export type { TextCleanup } from './tokenizer/text-cleanup.js';
export { TokenizerError } from './tokenizer/tokenizer-error.js';
export type { TokenizerErrorCode } from './tokenizer/tokenizer-error.js';
export { MAX_UNBROKEN_TEXT } from './tokenizer/text-pieces.js';
export { BYTE_ORDER, BYTE_TO_UNICODE } from './tokenizer/byte-unicode.js';

// Tensors and tensor contracts
export { createTensor, isTensor, shapeSize, DTYPE_BYTES, TENSOR_ARRAY_TYPES, TensorError } from './tensor/tensor.js';
export type { Tensor, TensorDType, TensorDataTypeMap, TensorErrorCode } from './tensor/tensor.js';
export { checkTensor, checkTensors } from './tensor/tensor-spec.js';
export type { DimBindings, DimSpec, GraphContract, TensorSpec } from './tensor/tensor-spec.js';

// Backend contract (onnxruntime backends: @clipseg/core/ort)
export type { AbortSignalLike, Backend, ModelSource, RunOptions, Session, SessionInfo, SessionOptions } from './backend/backend.js';
export { BackendError } from './backend/backend-error.js';
export type { BackendErrorCode } from './backend/backend-error.js';
export { validateRun } from './backend/validate-feeds.js';
export { checkSessionOptions, checkThreadCount, GRAPH_OPTIMIZATION_LEVELS, MAX_SESSION_THREADS } from './backend/check-session-options.js';

// Byte sources, safe paths, SHA-256
export { bytesSource, checkByteRange } from './io/byte-source.js';
export type { ByteSource } from './io/byte-source.js';
export { IoError } from './io/io-error.js';
export type { IoErrorCode } from './io/io-error.js';
export { checkPathSegment, checkRelativePath, isCommitHash } from './io/safe-path.js';
export { Sha256, sha256Hex } from './io/sha256.js';

// safetensors read and write
export { SafetensorsError } from './safetensors/safetensors-error.js';
export type { SafetensorsErrorCode } from './safetensors/safetensors-error.js';
export type { SafetensorsDType } from './safetensors/dtype.js';
export { SAFETENSORS_DEFAULT_MAX_HEADER_BYTES } from './safetensors/header.js';
export type { SafetensorsReadOptions } from './safetensors/header.js';
export { SafetensorsReader, openSafetensors } from './safetensors/reader.js';
export { safetensorsChunks, writeSafetensors } from './safetensors/writer.js';
export type { SafetensorsInput } from './safetensors/writer.js';
export type { RawSafetensor, SafetensorsHeader, SafetensorsTensorInfo } from './safetensors/types.js';

// Hugging Face Hub protocol (runtime-agnostic; runtimes download and cache)
export { HubError, describeErrorChain, hubAbortError } from './hub/hub-error.js';
export type { HubErrorCode } from './hub/hub-error.js';
export { DEFAULT_HUB_ENDPOINT, hubFileUrl, isHubRepoId, parseHubRepoRef } from './hub/hub-repo.js';
export type { HubRepoRef } from './hub/hub-repo.js';
export { MAX_HUB_MODEL_INFO_BYTES, fetchHubModelInfo, hubHeaders, hubHttpError } from './hub/hub-model-info.js';
export type { FetchLike, HubFile, HubModelInfo, HubRequestOptions } from './hub/hub-model-info.js';
export type { HubResponseLike } from './hub/read-hub-body.js';
export { MAX_SHARD_INDEX_BYTES, selectCheckpointFiles, shardFiles } from './hub/select-checkpoint-files.js';
