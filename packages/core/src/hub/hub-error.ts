import { CLIPSegError } from '../errors.js';

/**
 * Error codes of Hugging Face Hub access.
 *
 * - `HUB_INVALID_REPO_ID`: not `OWNER/NAME[@REVISION]`, or a name or revision the Hub does not allow.
 * - `HUB_NOT_FOUND`, `HUB_UNAUTHORIZED`, `HUB_HTTP_ERROR`: the Hub answered with an HTTP error.
 * - `HUB_NETWORK`: the Hub could not be reached, or a transfer kept failing (the message says why).
 * - `HUB_BAD_RESPONSE`: the answer is not what a Hub sends: not JSON, too large, no 40-hex commit, a file name
 *   that is not a plain relative path, a body longer than the size the Hub listed. Usually `HF_ENDPOINT` points at
 *   something that is not a Hub (a proxy page), or the mirror is not trustworthy.
 * - `HUB_NOT_A_CLIPSEG_REPO`: the repo lacks a file a CLIPSeg checkpoint needs.
 * - `HUB_CHECKSUM_MISMATCH`: a download does not match the checksum the Hub published.
 * - `HUB_TIMEOUT`: no data arrived for the idle timeout, or the whole pull took longer than its total timeout.
 * - `HUB_ABORTED`: cancelled through an `AbortSignal` (or Ctrl-C in the CLI).
 * - `HUB_OFFLINE`: offline and not cached.
 * - `HUB_LOCKED`: another process holds the repo's lock for too long.
 */
export type HubErrorCode =
  | 'HUB_INVALID_REPO_ID'
  | 'HUB_NOT_FOUND'
  | 'HUB_UNAUTHORIZED'
  | 'HUB_HTTP_ERROR'
  | 'HUB_NETWORK'
  | 'HUB_BAD_RESPONSE'
  | 'HUB_NOT_A_CLIPSEG_REPO'
  | 'HUB_CHECKSUM_MISMATCH'
  | 'HUB_TIMEOUT'
  | 'HUB_ABORTED'
  | 'HUB_OFFLINE'
  | 'HUB_LOCKED';

/** A Hub request failed, a repo is unusable, or a download did not match its checksum. */
export class HubError extends CLIPSegError<HubErrorCode> {}

/**
 * The messages along an error's `cause` chain, joined with `: ` (`fetch failed: redirect count exceeded`), so a
 * failure says what happened rather than only what the outermost layer saw. Stops after a few levels.
 */
export function describeErrorChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    const e = current as { message?: unknown; errors?: unknown; cause?: unknown };
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : Array.isArray(e.errors) ? e.errors.map((x) => (x as Error)?.message).filter(Boolean).join('; ') : String(current);
    if (message && !parts.includes(message)) parts.push(message);
    current = e.cause;
  }
  return parts.join(': ') || 'unknown error';
}

/**
 * The error for an aborted Hub operation: the abort reason itself when it is already a {@link HubError} (a
 * timeout, or a reason the caller chose), else `HUB_ABORTED`.
 */
export function hubAbortError(signal: { readonly reason?: unknown }, what: string): HubError {
  if (signal.reason instanceof HubError) return signal.reason;
  return new HubError('HUB_ABORTED', `${what} was cancelled; run it again to resume (finished files are kept).`, { cause: signal.reason });
}
