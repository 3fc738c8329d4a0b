import { CLIPSegError } from '@clipseg/core';

/**
 * Error codes of browser image decoding and encoding:
 *
 * - `WEB_IMAGE_UNSUPPORTED` — not an image source this package takes.
 * - `WEB_IMAGE_UNREADABLE` — the browser could not decode it (not an image, corrupt, unsupported format).
 * - `WEB_IMAGE_EMPTY` — zero pixels.
 * - `WEB_IMAGE_TOO_LARGE` — more pixels than `maxPixels`.
 * - `WEB_IMAGE_TAINTED` — a cross-origin image without CORS: the browser forbids reading its pixels.
 * - `WEB_IMAGE_NO_CANVAS` — neither `OffscreenCanvas` nor `document` is available to draw on.
 */
export type WebImageErrorCode =
  | 'WEB_IMAGE_UNSUPPORTED'
  | 'WEB_IMAGE_UNREADABLE'
  | 'WEB_IMAGE_EMPTY'
  | 'WEB_IMAGE_TOO_LARGE'
  | 'WEB_IMAGE_TAINTED'
  | 'WEB_IMAGE_NO_CANVAS';

/** Decoding or encoding an image in the browser failed; `code` says how. */
export class WebImageError extends CLIPSegError<WebImageErrorCode> {}
