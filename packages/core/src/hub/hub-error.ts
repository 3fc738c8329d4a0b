import { ClipSegError } from '../errors.js';

/** Error codes of Hugging Face Hub access. */
export type HubErrorCode =
  | 'HUB_INVALID_REPO_ID'
  | 'HUB_NOT_FOUND'
  | 'HUB_UNAUTHORIZED'
  | 'HUB_HTTP_ERROR'
  | 'HUB_NETWORK'
  | 'HUB_NOT_A_CLIPSEG_REPO'
  | 'HUB_CHECKSUM_MISMATCH'
  | 'HUB_OFFLINE'
  | 'HUB_LOCKED';

/** A Hub request failed, a repo is unusable, or a download did not match its checksum. */
export class HubError extends ClipSegError<HubErrorCode> {}
