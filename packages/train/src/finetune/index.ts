/**
 * Decoder fine-tuning for users: data encoded once, the training loop, resumable states, the fine-tuned checkpoint.
 *
 * @module
 */
export { prepareFinetuneData, promptKey } from './finetune-data.js';
export type { FinetuneSource, PreparedExample, PreparedFinetuneData, PrepareProgress } from './finetune-data.js';
export { finetuneDecoder, finetuneFingerprint, planEpoch } from './finetune-decoder.js';
export type { FinetuneDecoderInput, FinetuneEvent, FinetuneResult } from './finetune-decoder.js';
export { FINETUNE_DEFAULTS, resolveFinetuneOptions } from './finetune-options.js';
export type { FinetuneOptions, ResolvedFinetuneOptions } from './finetune-options.js';
export { decodeFinetuneState, encodeFinetuneState } from './finetune-state.js';
export type { EpochRecord, FinetuneState } from './finetune-state.js';
export { maskIoU, validate } from './validation.js';
export type { ValidationResult } from './validation.js';
export { CHECKPOINT_SIDE_FILES, finetunedCheckpointFiles } from './finetuned-checkpoint.js';
