import type { AbortSignalLike, SessionOptions } from '../backend/backend.js';
import { BUNDLE_VERIFICATIONS, type BundleVerification } from '../bundle/bundle-files.js';
import type { ImageAdapter } from './image-adapter.js';
import { PipelineError } from './pipeline-error.js';
import type { Prompt } from './prompt.js';

/** Options of `CLIPSeg.load`. */
export interface CLIPSegLoadOptions<I, M = I> {
  /** How images are preprocessed, measured and engineered; needed for images and image prompts, not for text-only use. */
  readonly images?: ImageAdapter<I, M>;
  /** Passed to every `backend.createSession`. */
  readonly sessionOptions?: SessionOptions;
  /** How much to check the files against `manifest.json` (default `'size'`). */
  readonly verify?: BundleVerification;
  /** Distinct texts whose embedding is cached (least recently used evicted); default 256, 0 disables. */
  readonly textCacheSize?: number;
  /** Receives warnings (a text prompt truncated to the model's context …); ignored by default. */
  readonly onWarning?: (message: string) => void;
  /** Cancels loading; the promise then rejects with `PIPELINE_ABORTED`. */
  readonly signal?: AbortSignalLike;
}

/** Options of the pipeline's methods. */
export interface PipelineCallOptions {
  /** Cancels the call, passed to every `session.run`; the promise then rejects with `PIPELINE_ABORTED`. */
  readonly signal?: AbortSignalLike;
}

/** Prompts of one call: one prompt, or an array of them (at least one). */
export type Prompts<I, M = I> = Prompt<I, M> | readonly Prompt<I, M>[];

/** Default {@link CLIPSegLoadOptions.textCacheSize}. @internal */
export const DEFAULT_TEXT_CACHE_SIZE = 256;

/** A `PIPELINE_INVALID_OPTIONS` error. @internal */
export function invalidOption(message: string): PipelineError {
  return new PipelineError('PIPELINE_INVALID_OPTIONS', message);
}

/** Checks the options of `CLIPSeg.load`. @internal */
export function checkLoadOptions(options: CLIPSegLoadOptions<unknown, unknown>): void {
  if (typeof options !== 'object' || options === null) throw invalidOption('CLIPSeg.load options must be an object.');
  if (options.verify !== undefined && !BUNDLE_VERIFICATIONS.includes(options.verify)) {
    throw invalidOption(`verify must be one of ${BUNDLE_VERIFICATIONS.join(', ')}, got ${JSON.stringify(options.verify)}.`);
  }
  const size = options.textCacheSize;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw invalidOption(`textCacheSize must be an integer ≥ 0, got ${String(size)}.`);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') throw invalidOption('onWarning must be a function.');
  const images = options.images;
  if (images !== undefined && (typeof images?.preprocess !== 'function' || typeof images.size !== 'function')) {
    throw invalidOption('images must be an ImageAdapter: an object with preprocess(images, config) and size(image) (see @clipseg/processor).');
  }
}
