import { CLIPSegError } from '../errors.js';

/**
 * Error codes raised by the CLIPSeg pipeline ({@link CLIPSeg}):
 *
 * - `PIPELINE_DISPOSED` — the pipeline was disposed; load a new one.
 * - `PIPELINE_ABORTED` — the caller's `signal` aborted the call.
 * - `PIPELINE_INVALID_OPTIONS` — a bad option or argument (unknown `verify` mode, index out of range …).
 * - `PIPELINE_EMPTY_PROMPTS` — a call with no prompts at all.
 * - `PIPELINE_EMPTY_PROMPT` — an empty or white-space-only text prompt.
 * - `PIPELINE_TOO_MANY_PROMPTS` — more prompts (or mix parts) than one call takes (`PIPELINE_LIMITS`); split the call.
 * - `PIPELINE_TOO_MANY_IMAGES` — more images than one `encodeImages` call takes (`PIPELINE_LIMITS`); split the call.
 * - `PIPELINE_PROMPT_INVALID` — a prompt that is not one of the accepted shapes (or a bad mix, box or mode).
 * - `PIPELINE_EMBEDDING_SIZE` — an embedding prompt whose length is not `projection_dim`.
 * - `PIPELINE_HANDLE_DISPOSED` — an {@link ImageHandle} used after `dispose()`.
 * - `PIPELINE_HANDLE_FOREIGN` — an {@link ImageHandle} of another pipeline (or not a handle at all).
 * - `PIPELINE_NO_IMAGE_ADAPTER` — an image was passed but the pipeline was loaded without `images`.
 * - `PIPELINE_NO_ENGINEER` — a visual prompt asks for engineering but the adapter has no `engineer`.
 * - `PIPELINE_ADAPTER_INVALID` — the image adapter returned something unusable (wrong tensor shape, bad size).
 * - `PIPELINE_GRAPH_MISMATCH` — a graph's inputs/outputs differ between the manifest, the session and what the pipeline feeds.
 * - `PIPELINE_BUNDLE_MISMATCH` — `config.json`, `preprocessor_config.json` and the manifest disagree.
 * - `PIPELINE_OUTPUT_INVALID` — a graph returned a tensor of the wrong type or shape.
 */
export type PipelineErrorCode =
  | 'PIPELINE_DISPOSED'
  | 'PIPELINE_ABORTED'
  | 'PIPELINE_INVALID_OPTIONS'
  | 'PIPELINE_EMPTY_PROMPTS'
  | 'PIPELINE_EMPTY_PROMPT'
  | 'PIPELINE_TOO_MANY_PROMPTS'
  | 'PIPELINE_TOO_MANY_IMAGES'
  | 'PIPELINE_PROMPT_INVALID'
  | 'PIPELINE_EMBEDDING_SIZE'
  | 'PIPELINE_HANDLE_DISPOSED'
  | 'PIPELINE_HANDLE_FOREIGN'
  | 'PIPELINE_NO_IMAGE_ADAPTER'
  | 'PIPELINE_NO_ENGINEER'
  | 'PIPELINE_ADAPTER_INVALID'
  | 'PIPELINE_GRAPH_MISMATCH'
  | 'PIPELINE_BUNDLE_MISMATCH'
  | 'PIPELINE_OUTPUT_INVALID';

/** The CLIPSeg pipeline refused a call, was disposed or aborted, or found the bundle inconsistent. */
export class PipelineError extends CLIPSegError<PipelineErrorCode> {}
