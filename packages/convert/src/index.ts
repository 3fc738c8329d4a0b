/**
 * `@clipseg/convert`: HF CLIPSeg checkpoints → ONNX bundles, written from
 * TypeScript. Runs in Node and in browsers (no `node:` imports).
 *
 * @packageDocumentation
 */

// Whole-bundle conversion
export { CIDAS_PREPROCESSOR_CONFIG, CONVERTER_ID, TOKENIZER_FILES, convertCheckpoint } from './bundle/convert-checkpoint.js';
export type { ConvertOptions, ConvertProgress, ConvertedBundle } from './bundle/convert-checkpoint.js';
export { validateGraphs } from './bundle/validate-graphs.js';
export { hashFile } from './bundle/hash-file.js';

// Checkpoints
export type { CheckpointDType, CheckpointReader, CheckpointTensorInfo } from './checkpoint/checkpoint-reader.js';
export { CheckpointError } from './checkpoint/checkpoint-error.js';
export type { CheckpointErrorCode } from './checkpoint/checkpoint-error.js';
export { openCheckpoint } from './checkpoint/open-checkpoint.js';
export type { OpenedCheckpoint } from './checkpoint/open-checkpoint.js';
export { SafetensorsCheckpoint } from './checkpoint/safetensors-checkpoint.js';

// PyTorch zip checkpoints (restricted unpickler: executes nothing)
export { readTorchCheckpoint, openTorchCheckpoint, TorchCheckpointReader } from './torch/torch-checkpoint-reader.js';
export type { TorchCheckpointOptions, TorchTensorInfo } from './torch/torch-checkpoint-reader.js';
export { TorchCheckpointError } from './torch/torch-checkpoint-error.js';
export type { TorchCheckpointErrorCode } from './torch/torch-checkpoint-error.js';
export { bytesAccess } from './torch/random-access-bytes.js';
export type { RandomAccessBytes } from './torch/random-access-bytes.js';
export type { TorchArchiveOptions } from './torch/torch-archive.js';
export type { SkippedEntry } from './torch/state-dict.js';
export { DEFAULT_UNPICKLER_LIMITS } from './torch/pickle-limits.js';
export type { UnpicklerLimits } from './torch/pickle-limits.js';

// Graphs
export { ATTENTION_KINDS, buildGraphs, isAttentionKind } from './graphs/build-graphs.js';
export type { AttentionKind, BuildGraphsOptions, BuildGraphsProgress, BuiltGraphs } from './graphs/build-graphs.js';
export { expectedParameters, isIgnoredTensor } from './graphs/expected-parameters.js';
export type { ParameterShapes } from './graphs/expected-parameters.js';
export { inspectCheckpoint, validateCheckpoint } from './graphs/validate-checkpoint.js';
export type { CheckpointSummary } from './graphs/validate-checkpoint.js';
export { ConvertError } from './graphs/convert-error.js';
export type { CheckpointProblem, ConvertErrorCode, ConvertErrorOptions } from './graphs/convert-error.js';
export { checkGraphConfig } from './graphs/clipseg-graph-config.js';
export type { CLIPSegGraphConfig, TextGraphConfig, VisionGraphConfig } from './graphs/clipseg-graph-config.js';
export { interpolatePositionEmbeddings } from './graphs/position-embeddings.js';
export { DEFAULT_IMAGE_SIZE, graphContracts, graphGeometry } from './graphs/graph-contracts.js';
export type { GraphGeometry } from './graphs/graph-contracts.js';
export type { WeightDType } from './graphs/weight-store.js';

// Random checkpoints
export { initRandomCheckpoint } from './random/init-random.js';
export type { InitRandomOptions, RandomCheckpoint } from './random/init-random.js';
export { syntheticTokenizerFiles } from './random/synthetic-tokenizer.js';
export { DEFAULT_RANDOM_RECIPE, defaultRandomBundle, randomCheckpointFiles } from './random/default-random-bundle.js';
export type { DefaultRandomBundleOptions, RandomBundleRecipe } from './random/default-random-bundle.js';
export { SeededRandom } from './random/seeded-random.js';

// Single-graph layout (transformers.js / optimum: onnx/model.onnx) and ModelProto composition
export { convertCheckpointSingle } from './single/convert-single.js';
export type { SingleConvertOptions, SingleConvertProgress, SingleLayout } from './single/convert-single.js';
export { SINGLE_MODEL_FILE, buildSingleModel, singleModelContract } from './single/single-model.js';
export type { BuildSingleModelOptions, SingleModelParts } from './single/single-model.js';
export { mergeModels } from './single/merge-models.js';
export type { MergeModelsOptions, MergePart, MergedInput } from './single/merge-models.js';
export { ModelMergeError } from './single/model-merge-error.js';
export type { ModelMergeErrorCode } from './single/model-merge-error.js';

// tokenizer.json for CLIP vocabularies (transformers' CLIPConverter layout)
export { clipTokenizerJson, tokenizerJsonFor } from './tokenizer-json/clip-tokenizer-json.js';
export type { ClipSpecialTokens } from './tokenizer-json/clip-tokenizer-json.js';

// Bundle format 2: the position-embedding table written for the optional vision_model graph
export { POSITION_EMBEDDINGS_FILE } from './bundle/convert-checkpoint.js';
