import { CLIPSegError } from '../errors.js';

/** Error codes raised by backends and sessions. */
export type BackendErrorCode =
  | 'BACKEND_INIT_FAILED'
  | 'BACKEND_INVALID_MODEL'
  | 'BACKEND_INVALID_OPTION'
  | 'BACKEND_MISSING_INPUT'
  | 'BACKEND_UNKNOWN_INPUT'
  | 'BACKEND_UNKNOWN_OUTPUT'
  | 'BACKEND_INPUT_MISMATCH'
  | 'BACKEND_SESSION_DISPOSED'
  | 'BACKEND_ABORTED'
  | 'BACKEND_RUN_FAILED';

/** A backend could not be started, or a session refused or failed a run. */
export class BackendError extends CLIPSegError<BackendErrorCode> {}
