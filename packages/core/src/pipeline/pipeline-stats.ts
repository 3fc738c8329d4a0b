/** Run counters of a {@link CLIPSeg} pipeline, for tests and benchmarks (for example "each image encoded once"). */
export interface PipelineStats {
  /** vision_encoder runs (image encodes and image prompts). */
  visionRuns: number;
  /** text_encoder runs. */
  textRuns: number;
  /** image_projector runs. */
  projectorRuns: number;
  /** decoder runs. */
  decoderRuns: number;
  /** Distinct texts of a call answered from the text cache. */
  textCacheHits: number;
}

/** All counters at zero. @internal */
export function createStats(): PipelineStats {
  return { visionRuns: 0, textRuns: 0, projectorRuns: 0, decoderRuns: 0, textCacheHits: 0 };
}
