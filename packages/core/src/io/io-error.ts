import { CLIPSegError } from '../errors.js';

/**
 * Stable codes of {@link IoError}.
 *
 * - `IO_RANGE_INVALID`: a read asked for bytes outside the source (negative,
 *   fractional or past the end).
 * - `IO_CLOSED`: the source was used after `close()`.
 * - `IO_OPEN_FAILED`: the underlying file or resource could not be opened.
 * - `IO_READ_FAILED`: the underlying read failed.
 * - `IO_WRITE_FAILED`: the underlying write failed.
 * - `IO_TARGET_EXISTS`: the target exists and is not ours to replace.
 * - `IO_NOT_FOUND`: the file does not exist.
 * - `IO_NOT_A_FILE`: the path names a directory, device, FIFO or socket, not a regular file.
 * - `IO_TOO_LARGE`: the file is larger than the limit the caller set.
 * - `IO_UNSAFE_PATH`: a name from outside (a Hub answer, a file, an argument) would leave its folder or is not a
 *   plain relative name.
 */
export type IoErrorCode =
  | 'IO_RANGE_INVALID'
  | 'IO_CLOSED'
  | 'IO_OPEN_FAILED'
  | 'IO_READ_FAILED'
  | 'IO_WRITE_FAILED'
  | 'IO_TARGET_EXISTS'
  | 'IO_NOT_FOUND'
  | 'IO_NOT_A_FILE'
  | 'IO_TOO_LARGE'
  | 'IO_UNSAFE_PATH';

/** A byte source or sink failed: bad range, used after close, or the platform I/O failed (see `cause`). */
export class IoError extends CLIPSegError<IoErrorCode> {}
