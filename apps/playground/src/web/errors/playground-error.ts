import { CLIPSegError } from '@clipseg/core';

/**
 * Error codes of the playground:
 *
 * - `PLAYGROUND_IMAGE_MISSING` — an Image node has no source yet.
 * - `PLAYGROUND_NO_FILES` — a file or folder picker returned nothing usable.
 * - `PLAYGROUND_MODEL_URL_INVALID` — the model URL is not an http(s) URL.
 * - `PLAYGROUND_WORKFLOW_UNREADABLE` — a workflow file or link that is not a valid workflow.
 * - `PLAYGROUND_SHARE_TOO_LARGE` — the graph does not fit in a link.
 * - `PLAYGROUND_STORAGE_FAILED` — the browser refused to store the autosave.
 */
export type PlaygroundErrorCode =
  | 'PLAYGROUND_IMAGE_MISSING'
  | 'PLAYGROUND_NO_FILES'
  | 'PLAYGROUND_MODEL_URL_INVALID'
  | 'PLAYGROUND_WORKFLOW_UNREADABLE'
  | 'PLAYGROUND_SHARE_TOO_LARGE'
  | 'PLAYGROUND_STORAGE_FAILED';

/** A failure of the playground itself (the toolkit's errors keep their own classes and codes). */
export class PlaygroundError extends CLIPSegError<PlaygroundErrorCode> {}
