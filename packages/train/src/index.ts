/**
 * `@clipseg/train`: teach CLIPSeg from TypeScript. Training graphs (forward pass, reverse-mode gradients and the
 * loss as one ONNX inference graph) run on the same onnxruntime backends as inference, in Node and in the browser.
 * Runtime-agnostic: no DOM, no `node:`.
 *
 * Work in progress (issue 16): the reverse-mode differentiator and the dataset readers land first.
 *
 * @packageDocumentation
 */
// Datasets (issue 16 §2 "Data").
export type { CocoDatasetItem, CocoSegment, DatasetItem, DatasetPrompt, FolderDatasetItem } from './data/dataset-item.js';
export { MAX_COCO_IMAGE_SIDE, MAX_COCO_JSON_BYTES, readCocoDataset } from './data/coco-dataset.js';
export type { CocoDataset, ReadCocoDatasetOptions } from './data/coco-dataset.js';
export { cocoItemMask } from './data/coco-mask.js';
export { MAX_POLYGON_PERIMETER_FACTOR, polygonPerimeterOk, polygonToRleCounts } from './data/coco-polygon.js';
export { FOLDER_DATASET_MANIFEST, MAX_DATASET_IMAGE_BYTES, MAX_MANIFEST_BYTES, MAX_PROMPT_LENGTH, readFolderDataset } from './data/folder-dataset.js';
export type { ReadFolderDatasetOptions } from './data/folder-dataset.js';
export { checkDatasetImages, loadDatasetItem, maskFromRaster } from './data/load-item.js';
export type { DecodeImage, LoadedItem, LoadItemOptions } from './data/load-item.js';
export { maskTargets, resizeMaskNearest } from './data/resize-mask-nearest.js';
export { splitDataset } from './data/split-dataset.js';
export type { DatasetSplit, SplitDatasetOptions } from './data/split-dataset.js';
export { MAX_LISTED_PROBLEMS, TrainDataError } from './data/train-data-error.js';
export type { DatasetProblem, TrainDataErrorCode } from './data/train-data-error.js';

// Reverse-mode gradients for ONNX graphs
export { AutodiffError, DIFFERENTIABLE_OPS, GRAD_RULES, GradContext, GraphView, addGradients, attrFloat, attrInt, attrInts, bceWithLogitsMean, firstCotangent, readInt64Constants } from './autodiff/index.js';
export type { AddGradientsOptions, AddedGradients, AutodiffErrorCode, DeclaredTensor, GradRule, ViewNode } from './autodiff/index.js';

// Decoder training on any backend (issue 16 §2 "API")
export { AdamW, DecoderEvaluator, DecoderTrainer, FullTrainer, GRADIENT_PREFIX, LOGITS_OUTPUT, LOSS_OUTPUT, LOSS_ROWS_OUTPUT, ParameterInputStore, TrainingError, buildDecoderForwardGraph, buildDecoderTrainingGraph, computeFullGradients, cosineLearningRate } from './training/index.js';
export type { AdamWOptions, AdamWState, DecoderForwardGraph, FullTrainingBatch, DecoderStepResult, DecoderTrainingExample, DecoderTrainingGraph, DecoderTrainingGraphOptions, FullGradients, FullGradientsExample, FullGradientsInput, TrainableParameter, TrainingErrorCode } from './training/index.js';

// Fine-tuning for users (issue 16 §2)
export { CHECKPOINT_SIDE_FILES, FINETUNE_DEFAULTS, decodeFinetuneState, encodeFinetuneState, finetuneDecoder, finetuneFingerprint, finetunedCheckpointFiles, maskIoU, planEpoch, prepareFinetuneData, promptKey, resolveFinetuneOptions, validate } from './finetune/index.js';
export type { EpochRecord, FinetuneDecoderInput, FinetuneEvent, FinetuneOptions, FinetuneResult, FinetuneSource, FinetuneState, PreparedExample, PreparedFinetuneData, PrepareProgress, ResolvedFinetuneOptions, ValidationResult } from './finetune/index.js';

// Procedural training data: seeded scenes with exact masks and a prompt grammar (issue 17)
export { CENTRE_PHRASES, COLOUR_WORDS, COLUMN_PHRASES, CORNER_PHRASES, GENERIC_NOUNS, KIND_NOUNS, PROMPT_TEMPLATES, ROW_PHRASES, SCENE_BACKGROUNDS, SCENE_COLOURS, SCENE_COLOUR_NAMES, SCENE_OBJECT_KINDS, SCENE_SIZES, SHAPE_KINDS, SIZE_WORDS, describePrompt, generateScene, matchesDescription, matchingObjects, mixSeed, negativePrompt, positivePrompt, promptGrammarWords, resolveSceneOptions, scenePrompt, scenePrompts, sceneRandom, syntheticDataset, syntheticItem, syntheticPromptCorpus } from './synthetic/index.js';
export type { BackgroundLayout, Box, PromptDescription, ResolvedSceneOptions, Rgb, SceneBackground, SceneColourName, SceneColumn, SceneObject, SceneObjectKind, SceneOptions, SceneRandomSource, SceneRow, SceneSize, ScenePrompt, ScenePromptOptions, SyntheticDatasetOptions, SyntheticItem, SyntheticScene } from './synthetic/index.js';

// The project's own tokenizer: a byte-level BPE learned in CLIP's format (issue 17)
export { BASE_VOCAB_SIZE, BOS_TOKEN, END_OF_WORD, EOS_TOKEN, byteSymbols, clipByteOrder, clipWordSymbols, encodeWithMerges, learnBpe, learnedTokenizerFiles, mergePair } from './tokenizer/index.js';
export type { LearnBpeOptions, LearnedBpe, LearnedTokenizerFilesOptions } from './tokenizer/index.js';
