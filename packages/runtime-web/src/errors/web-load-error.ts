import { CLIPSegError } from '@clipseg/core';

/**
 * Error codes raised while loading files in a browser:
 *
 * - `WEB_NOT_FOUND` — the server answered 404 or 410 for a file the bundle needs.
 * - `WEB_HTTP_ERROR` — another non-2xx answer (401, 403, 500 …).
 * - `WEB_CORS` — the server answered, but without CORS headers that let this page read the file.
 * - `WEB_NETWORK` — no answer at all: offline, unreachable host, or blocked (by CORS or the page's COEP policy).
 * - `WEB_INTEGRITY` — downloaded or picked bytes do not match the size or SHA-256 that `manifest.json` lists.
 * - `WEB_ABORTED` — the caller's `AbortSignal` cancelled the load.
 * - `WEB_QUOTA_EXCEEDED` — the persistent cache is full (the browser's storage quota).
 * - `WEB_CACHE_FAILED` — the persistent cache failed otherwise (storage disabled, private mode …).
 * - `WEB_FILE_READ_FAILED` — a file the user picked could not be read (moved, deleted, permission revoked).
 */
export type WebLoadErrorCode =
  | 'WEB_NOT_FOUND'
  | 'WEB_HTTP_ERROR'
  | 'WEB_CORS'
  | 'WEB_NETWORK'
  | 'WEB_INTEGRITY'
  | 'WEB_ABORTED'
  | 'WEB_QUOTA_EXCEEDED'
  | 'WEB_CACHE_FAILED'
  | 'WEB_FILE_READ_FAILED';

/** Loading a bundle, checkpoint or image in the browser failed; `code` says how. */
export class WebLoadError extends CLIPSegError<WebLoadErrorCode> {}

/** The `name` of a `DOMException`-like error, or `undefined`. @internal */
export function domErrorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : undefined;
}

/** A {@link WebLoadError} `WEB_ABORTED` for `signal`. @internal */
export function abortedError(what: string, reason?: unknown): WebLoadError {
  return new WebLoadError('WEB_ABORTED', `Loading ${what} was aborted.`, reason === undefined ? undefined : { cause: reason });
}
