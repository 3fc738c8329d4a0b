/**
 * The fine-tuning recipe's settings and their defaults (the paper's: AdamW 1e-3 with a cosine schedule to 1e-4,
 * batch 64, negatives with probability 0.2).
 *
 * @module
 */
import { TrainingError } from '../training/training-error.js';

/** Settings of a fine-tuning run; every field has the recipe's default. */
export interface FinetuneOptions {
  /** Passes over the training examples (default 10). */
  readonly epochs?: number;
  /** Examples (image, prompt) per optimizer step (default 64); the gradients of a batch are accumulated. */
  readonly batchSize?: number;
  /** Learning rate at the first step (default 1e-3). */
  readonly learningRate?: number;
  /** Learning rate at the last step: the cosine schedule's floor (default 1e-4). */
  readonly finalLearningRate?: number;
  /** AdamW's decoupled weight decay (default 0.01). */
  readonly weightDecay?: number;
  /**
   * Probability that an example is replaced by a negative: a text prompt of the dataset that the image does not
   * have, with an empty target (default 0.2). Examples with image prompts are never replaced.
   */
  readonly negativeRate?: number;
  /** Any safe integer: the same seed, data and settings give the same run (default 0). */
  readonly seed?: number;
  /**
   * Most prompts per training-graph run (default 16): a batch is run in pieces of at most this many prompts (an
   * image's prompts stay together) and their gradients are accumulated, which bounds memory whatever the batch
   * size.
   */
  readonly microBatchSize?: number;
}

/** {@link FinetuneOptions} with every default filled in. */
export type ResolvedFinetuneOptions = Required<FinetuneOptions>;

/** The recipe's defaults. */
export const FINETUNE_DEFAULTS: ResolvedFinetuneOptions = Object.freeze({
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  finalLearningRate: 1e-4,
  weightDecay: 0.01,
  negativeRate: 0.2,
  seed: 0,
  microBatchSize: 16,
});

const isPositiveInt = (v: number) => Number.isSafeInteger(v) && v >= 1;
const isRate = (v: number) => Number.isFinite(v) && v >= 0;

/**
 * `options` with defaults filled in, checked.
 *
 * @throws TrainingError `TRAINING_INVALID_OPTION` naming every setting out of range
 */
export function resolveFinetuneOptions(options: FinetuneOptions = {}): ResolvedFinetuneOptions {
  const o: ResolvedFinetuneOptions = { ...FINETUNE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const problems: string[] = [];
  if (!isPositiveInt(o.epochs)) problems.push(`epochs must be a whole number ≥ 1 (got ${o.epochs})`);
  if (!isPositiveInt(o.batchSize)) problems.push(`batchSize must be a whole number ≥ 1 (got ${o.batchSize})`);
  if (!isRate(o.learningRate) || o.learningRate === 0) problems.push(`learningRate must be a number > 0 (got ${o.learningRate})`);
  if (!isRate(o.finalLearningRate) || o.finalLearningRate > o.learningRate) problems.push(`finalLearningRate must be in [0, learningRate] (got ${o.finalLearningRate})`);
  if (!isRate(o.weightDecay)) problems.push(`weightDecay must be a number ≥ 0 (got ${o.weightDecay})`);
  if (!(o.negativeRate >= 0 && o.negativeRate < 1)) problems.push(`negativeRate must be in [0, 1) (got ${o.negativeRate})`);
  if (!Number.isSafeInteger(o.seed)) problems.push(`seed must be a safe integer (got ${o.seed})`);
  if (!isPositiveInt(o.microBatchSize)) problems.push(`microBatchSize must be a whole number ≥ 1 (got ${o.microBatchSize})`);
  if (problems.length > 0) throw new TrainingError('TRAINING_INVALID_OPTION', `Fine-tuning settings out of range: ${problems.join('; ')}.`, { problems });
  return o;
}
