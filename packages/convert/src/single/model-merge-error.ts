/**
 * The typed error of {@link mergeModels}.
 *
 * @module
 */
import { CLIPSegError } from '@clipseg/core';

/** Stable codes of {@link ModelMergeError}. */
export type ModelMergeErrorCode =
  /** A part is not a decodable ONNX ModelProto, or has no graph. */
  | 'MERGE_INVALID_MODEL'
  /** The parts import different versions of the same operator set. */
  | 'MERGE_OPSET_MISMATCH'
  /** A part uses something the merge does not rename (sub-graph attributes, sparse initializers, functions, external data). */
  | 'MERGE_UNSUPPORTED'
  /** A value is bound or exposed that no merged input or earlier part defines. */
  | 'MERGE_UNKNOWN_VALUE'
  /** Two parts (or a part and a merged input) define the same merged name. */
  | 'MERGE_NAME_CLASH'
  /** The merged model would reach protobuf's 2 GiB limit. */
  | 'MERGE_TOO_LARGE';

/** Models that cannot be merged into one graph as asked. */
export class ModelMergeError extends CLIPSegError<ModelMergeErrorCode> {}
