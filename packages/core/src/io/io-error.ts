import { ClipSegError } from '../errors.js';

/**
 * Stable codes of {@link IoError}.
 *
 * - `IO_RANGE_INVALID`: a read asked for bytes outside the source (negative,
 *   fractional or past the end).
 * - `IO_CLOSED`: the source was used after `close()`.
 * - `IO_OPEN_FAILED`: the underlying file or resource could not be opened.
 * - `IO_READ_FAILED`: the underlying read failed.
 * - `IO_WRITE_FAILED`: the underlying write failed.
 */
export type IoErrorCode = 'IO_RANGE_INVALID' | 'IO_CLOSED' | 'IO_OPEN_FAILED' | 'IO_READ_FAILED' | 'IO_WRITE_FAILED' | 'IO_TARGET_EXISTS';

/** A byte source or sink failed: bad range, used after close, or the platform I/O failed (see `cause`). */
export class IoError extends ClipSegError<IoErrorCode> {}
