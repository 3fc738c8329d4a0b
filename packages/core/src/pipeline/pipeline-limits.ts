/**
 * How much one pipeline call takes, so that no input can make a call's memory grow without bound. A
 * `segment` call returns one `height × width` float32 logits map per prompt (0.5 MB each at 352 × 352) and the
 * decoder's work per prompt is a few times that, so 2000 prompts in one call used to need 7.6 GB; split bigger
 * workloads into several calls (each call's result can be written out and dropped before the next).
 */
export interface PipelineLimits {
  /** Most prompts (rows of the result) one `segment` / `segmentImage` call takes. */
  readonly maxSegmentPrompts: number;
  /** Most prompts one `embed` call takes (its result is only `projection_dim` floats per prompt). */
  readonly maxEmbedPrompts: number;
  /** Most prompts one call resolves, counting every part of every mix (each text, image and embedding). */
  readonly maxPromptParts: number;
  /** Most images one `encodeImages` call takes (each handle keeps its image's activations). */
  readonly maxImagesPerCall: number;
}

/** The limits of every {@link CLIPSeg} call; calls over them are refused with `PIPELINE_TOO_MANY_PROMPTS`. */
export const PIPELINE_LIMITS: PipelineLimits = Object.freeze({
  maxSegmentPrompts: 256,
  maxEmbedPrompts: 4096,
  maxPromptParts: 4096,
  maxImagesPerCall: 64,
});

/**
 * Rows per graph run: a call runs each graph over at most this many rows at a time and assembles the outputs, so
 * a call's peak memory is its result plus one batch's intermediates. Every row is computed independently of the
 * others in the batch, so the results equal those of one big run.
 * @internal
 */
export const RUN_BATCH = Object.freeze({
  /** Texts per text_encoder run. */
  text: 64,
  /** Images per vision_encoder (and image_projector) run. */
  vision: 8,
  /** Prompts per decoder run. */
  decoder: 16,
});
