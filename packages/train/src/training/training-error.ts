/**
 * The typed error of the training API.
 *
 * @module
 */
import { CLIPSegError } from '@clipseg/core';

/** Stable codes of {@link TrainingError}. */
export type TrainingErrorCode =
  /** A batch, a parameter array or an optimizer state does not fit the model (wrong name, size or count). */
  | 'TRAINING_INVALID_INPUT'
  /** The training graph did not return the loss or a gradient it declares. */
  | 'TRAINING_MISSING_OUTPUT'
  /** A fine-tuning setting is out of range (epochs, batch size, learning rates, negative rate, seed). */
  | 'TRAINING_INVALID_OPTION'
  /** A fine-tuning run has nothing to train on (no training examples). */
  | 'TRAINING_NO_DATA'
  /** A saved fine-tuning state does not belong to this run (other data, settings or model), or is damaged. */
  | 'TRAINING_STATE_MISMATCH'
  /** The run was stopped through its abort signal; a resumable state was handed out first. */
  | 'TRAINING_ABORTED';

/** Thrown when a training step or an optimizer update cannot run as asked. */
export class TrainingError extends CLIPSegError<TrainingErrorCode> {
  /**
   * @param code - stable identifier of the failure
   * @param message - what went wrong and what to do about it
   * @param details - structured context (parameter name, sizes …)
   */
  constructor(code: TrainingErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details === undefined ? undefined : { details });
  }
}
