import { torchError } from './torch-checkpoint-error.js';
import type { TorchCheckpointErrorCode } from './torch-checkpoint-error.js';

/** Resource limits of the restricted unpickler; each has a default suited to state dicts. */
export interface UnpicklerLimits {
  /** Deepest MARK nesting and container nesting accepted (default 128). */
  readonly maxDepth: number;
  /** Most values on the stack, all MARK levels together (default 1,000,000). */
  readonly maxStackSize: number;
  /** Most memo entries (default 2,000,000). */
  readonly maxMemoSize: number;
  /** Most values created (default 2,000,000). */
  readonly maxObjects: number;
  /** Longest string or bytes value, in bytes (default 16 MiB; never more than the bytes left in the pickle). */
  readonly maxStringBytes: number;
}

/** Defaults of {@link UnpicklerLimits}. */
export const DEFAULT_UNPICKLER_LIMITS: UnpicklerLimits = {
  maxDepth: 128,
  maxStackSize: 1_000_000,
  maxMemoSize: 2_000_000,
  maxObjects: 2_000_000,
  maxStringBytes: 16 * 1024 * 1024,
};

/**
 * A `TORCH_PICKLE_INVALID` error: the pickle is malformed or misuses an opcode.
 *
 * @param problem - what is wrong, ending with a period
 * @param details - structured context
 */
export function pickleInvalid(problem: string, details?: Record<string, unknown>): Error {
  return torchError('TORCH_PICKLE_INVALID', `The checkpoint's pickle is invalid: ${problem}`, details);
}

/**
 * A limit refusal (`TORCH_PICKLE_TOO_DEEP` or `TORCH_PICKLE_LIMIT_EXCEEDED`).
 *
 * @param code - which limit family
 * @param problem - which limit was exceeded, without final period
 * @param offset - pickle offset where it happened
 */
export function pickleLimit(code: TorchCheckpointErrorCode, problem: string, offset: number): Error {
  return torchError(code, `The checkpoint's pickle was refused: ${problem} (at offset ${String(offset)}).`, { offset });
}
