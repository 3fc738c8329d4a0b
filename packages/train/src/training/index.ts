/**
 * Decoder training on any backend: the training graph, the trainer, AdamW exact to PyTorch and the cosine schedule.
 *
 * @module
 */
export { AdamW } from './adamw.js';
export type { AdamWOptions, AdamWState } from './adamw.js';
export { cosineLearningRate } from './cosine-schedule.js';
export { DecoderTrainer } from './decoder-trainer.js';
export type { DecoderStepResult, DecoderTrainingExample } from './decoder-trainer.js';
export { GRADIENT_PREFIX, LOSS_OUTPUT, LOSS_ROWS_OUTPUT, buildDecoderTrainingGraph } from './decoder-training-graph.js';
export type { DecoderTrainingGraph, DecoderTrainingGraphOptions, TrainableParameter } from './decoder-training-graph.js';
export { computeFullGradients } from './full-gradients.js';
export type { FullGradients, FullGradientsExample, FullGradientsInput } from './full-gradients.js';
export { ParameterInputStore } from './parameter-input-store.js';
export { TrainingError } from './training-error.js';
export type { TrainingErrorCode } from './training-error.js';
export { DecoderEvaluator } from './decoder-evaluator.js';
export { LOGITS_OUTPUT, buildDecoderForwardGraph } from './decoder-forward-graph.js';
export type { DecoderForwardGraph } from './decoder-forward-graph.js';
export { FullTrainer } from './full-trainer.js';
export type { FullTrainingBatch } from './full-trainer.js';
