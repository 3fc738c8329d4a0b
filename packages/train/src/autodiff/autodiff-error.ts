/**
 * The typed error of the differentiator.
 *
 * @module
 */
import { CLIPSegError } from '@clipseg/core';

/** Stable codes of {@link AutodiffError}. */
export type AutodiffErrorCode =
  /** The loss path goes through an operator that has no gradient rule. */
  | 'AUTODIFF_UNSUPPORTED_OP'
  /** A tensor named as the loss or as a differentiation target is not in the graph. */
  | 'AUTODIFF_UNKNOWN_TENSOR'
  /** A rule needs the rank of a tensor that could not be inferred (declare the graph input's dims). */
  | 'AUTODIFF_UNKNOWN_RANK'
  /** An operator is used in a form the rule does not cover (e.g. MatMul of a 1-D tensor). */
  | 'AUTODIFF_UNSUPPORTED_FORM';

/** Thrown when gradients cannot be generated for a graph. */
export class AutodiffError extends CLIPSegError<AutodiffErrorCode> {
  /**
   * @param code - stable identifier of the failure
   * @param message - what went wrong and what to do about it
   * @param details - structured context (op type, tensor name …)
   */
  constructor(code: AutodiffErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details === undefined ? undefined : { details });
  }
}
