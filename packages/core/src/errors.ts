/**
 * Base class of every error this toolkit throws on purpose.
 *
 * Each subclass fixes a family of stable, machine-readable `code`s; the message
 * says what went wrong and what to do about it. Catch by class or compare
 * `code`, never parse messages.
 */
export class CLIPSegError<Code extends string = string> extends Error {
  /** Stable identifier of the failure, for example `CONFIG_INVALID_FIELD`. */
  readonly code: Code;
  /** Optional structured context (field names, offsets, shapes …). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - stable identifier of the failure
   * @param message - what went wrong and what to do about it
   * @param options - `cause` and structured `details`
   */
  constructor(code: Code, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }
}

/**
 * True when `error` is a {@link CLIPSegError}, optionally with the given `code`.
 * Works across package copies because it checks shape, not identity.
 */
export function isCLIPSegError(error: unknown, code?: string): error is CLIPSegError {
  if (!(error instanceof Error)) return false;
  const candidate = error as Partial<CLIPSegError>;
  if (typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}
