import { CLIPSegError, IoError, isCLIPSegError, type IoErrorCode } from '@clipseg/core';

/**
 * True when `error` comes from Node itself rather than from this toolkit: a system error (`ENOENT`,
 * `ENAMETOOLONG`, … with `errno`/`syscall`) or an argument error (`ERR_INVALID_ARG_VALUE` for a path with a NUL
 * byte). Their `code`s are Node's, not ours, and must not be reported as ours.
 */
export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  if (!(error instanceof Error) || error instanceof CLIPSegError) return false;
  const { code, errno, syscall } = error as NodeJS.ErrnoException;
  if (typeof errno === 'number' || typeof syscall === 'string') return true;
  return typeof code === 'string' && (code.startsWith('ERR_') || /^E[A-Z0-9]+$/.test(code));
}

/** True for an error of this toolkit: a {@link CLIPSegError} (by shape, across package copies) that is not Node's own. */
export function isOwnError(error: unknown): error is CLIPSegError {
  return isCLIPSegError(error) && !isNodeError(error);
}

/**
 * The {@link IoError} code that describes a Node file-system failure: `IO_NOT_FOUND` (ENOENT: the file or a folder
 * on its path is missing), `IO_UNSAFE_PATH` (ENAMETOOLONG, or a path Node refuses such as one with a NUL byte),
 * `IO_TARGET_EXISTS` (EEXIST, ENOTEMPTY), `IO_NOT_A_FILE` (EISDIR), else `undefined`.
 */
export function ioErrorCodeOf(cause: unknown): IoErrorCode | undefined {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'IO_NOT_FOUND';
    case 'ENAMETOOLONG':
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_ARG_TYPE':
      return 'IO_UNSAFE_PATH';
    case 'EEXIST':
    case 'ENOTEMPTY':
      return 'IO_TARGET_EXISTS';
    case 'EISDIR':
      return 'IO_NOT_A_FILE';
    default:
      return undefined;
  }
}

function hint(code: IoErrorCode): string {
  switch (code) {
    case 'IO_NOT_FOUND':
      return 'check that the folder exists';
    case 'IO_UNSAFE_PATH':
      return 'use a shorter path without NUL characters';
    case 'IO_TARGET_EXISTS':
      return 'something is already there; choose another name';
    case 'IO_NOT_A_FILE':
      return 'a folder is in the way; choose another name';
    default:
      return 'check the path and its permissions';
  }
}

/** A path or Node message for our messages: whole when short, else its first and last characters around an ellipsis. */
export function shortened(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 120)}…${text.slice(-60)}`;
}

/**
 * Wraps an error from a Node file-system call in an {@link IoError} with a code of ours ({@link ioErrorCodeOf}, else
 * `fallback`), keeping the Node error as `cause`; errors of this toolkit pass unchanged.
 *
 * @param cause - what was thrown
 * @param action - what was being done, for the message (e.g. `Writing "/out/a.png"`)
 * @param path - the path involved, for `details`
 * @param fallback - the code for Node errors without a more precise one
 */
export function toIoError(cause: unknown, action: string, path: string, fallback: IoErrorCode): Error {
  if (isOwnError(cause)) return cause;
  const code = ioErrorCodeOf(cause) ?? fallback;
  const reason = shortened(cause instanceof Error ? cause.message : String(cause));
  return new IoError(code, `${action} failed (${reason}); ${hint(code)}.`, { cause, details: { path } });
}
