/**
 * The typed error of the converter.
 *
 * @module
 */
import { CLIPSegError } from '@clipseg/core';

/** Stable codes of {@link ConvertError}. */
export type ConvertErrorCode =
  /** Parameters the config requires are absent from the checkpoint. */
  | 'CONVERT_MISSING_TENSORS'
  /** The checkpoint holds tensors that CLIPSegForImageSegmentation does not have. */
  | 'CONVERT_UNEXPECTED_TENSORS'
  /** Tensors have a different shape than the config implies. */
  | 'CONVERT_SHAPE_MISMATCH'
  /** The weights imply different sizes than the config says (hidden size, layer count, head type …). */
  | 'CONVERT_CONFIG_MISMATCH'
  /** The config cannot be converted (bad head count, extract layer out of range, unsupported activation …). */
  | 'CONVERT_INVALID_CONFIG'
  /** A conversion option is invalid (image size not a multiple of the patch size …). */
  | 'CONVERT_INVALID_OPTIONS'
  /** A file the bundle needs (config.json, tokenizer files) is missing from the checkpoint folder. */
  | 'CONVERT_MISSING_FILE'
  /** A written graph failed to load in the validating backend, or its I/O differs from its contract. */
  | 'CONVERT_GRAPH_INVALID'
  /** The conversion was cancelled through its AbortSignal. */
  | 'CONVERT_ABORTED';

/** One problem found while checking a checkpoint against a config. */
export interface CheckpointProblem {
  /** Kind of problem. */
  readonly code: 'CONVERT_MISSING_TENSORS' | 'CONVERT_UNEXPECTED_TENSORS' | 'CONVERT_SHAPE_MISMATCH' | 'CONVERT_CONFIG_MISMATCH';
  /** The tensor concerned, or for config mismatches the config field (e.g. `text_config.hidden_size`). */
  readonly name: string;
  /** What the config implies (shape or value), when relevant. */
  readonly expected?: readonly number[] | number | string;
  /** What the checkpoint has, when relevant. */
  readonly actual?: readonly number[] | number | string;
  /** One line describing the problem. */
  readonly message: string;
}

/** Options of the {@link ConvertError} constructor. */
export interface ConvertErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /** Structured context. */
  readonly details?: Record<string, unknown>;
  /** Every problem found (checkpoint validation reports all at once). */
  readonly problems?: readonly CheckpointProblem[];
}

/** A checkpoint, config or option that cannot be converted to CLIPSeg ONNX graphs. */
export class ConvertError extends CLIPSegError<ConvertErrorCode> {
  /** Every problem found; empty when the error is not about a checkpoint's contents. */
  readonly problems: readonly CheckpointProblem[];

  /**
   * @param code - stable identifier of the failure
   * @param message - what went wrong and what to do about it
   * @param options - cause, details and the full problem list
   */
  constructor(code: ConvertErrorCode, message: string, options: ConvertErrorOptions = {}) {
    const { problems, details, cause } = options;
    super(code, message, { ...(cause === undefined ? {} : { cause }), ...(details === undefined ? {} : { details }) });
    this.problems = problems ?? [];
  }
}
