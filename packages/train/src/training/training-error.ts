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
  | 'TRAINING_MISSING_OUTPUT';

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
