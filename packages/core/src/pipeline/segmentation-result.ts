import type { ImageSize } from '../config/preprocessor-config.js';
import type { Tensor } from '../tensor/tensor.js';
import { PipelineError } from './pipeline-error.js';

/**
 * The output of one `CLIPSeg.segment` call: one logits map per prompt at the model's resolution (the bundle's
 * image size; resize to {@link SegmentationResult.imageSize} with `@clipseg/processor` for masks over the original
 * image) and the conditional embedding each prompt resolved to.
 */
export class SegmentationResult {
  /** Segmentation logits (before the sigmoid), float32 `[prompts, height, width]`. */
  readonly logits: Tensor<'float32'>;
  /** The embedding each prompt was resolved to, float32 `[prompts, projection_dim]`. */
  readonly conditionalEmbeddings: Tensor<'float32'>;
  /** The original size of the segmented image. */
  readonly imageSize: ImageSize;
  /** The {@link ImageHandle.id} of the segmented image. */
  readonly imageId: string;

  /** @internal Made by `CLIPSeg.segment`. */
  constructor(logits: Tensor<'float32'>, conditionalEmbeddings: Tensor<'float32'>, imageSize: ImageSize, imageId: string) {
    this.logits = logits;
    this.conditionalEmbeddings = conditionalEmbeddings;
    this.imageSize = imageSize;
    this.imageId = imageId;
  }

  /** Number of prompts (rows of {@link SegmentationResult.logits}). */
  get promptCount(): number {
    return this.logits.dims[0]!;
  }

  /** Rows of each logits map (the model's resolution, not the original image's). */
  get height(): number {
    return this.logits.dims[1]!;
  }

  /** Columns of each logits map. */
  get width(): number {
    return this.logits.dims[2]!;
  }

  /**
   * The logits of prompt `index`, row-major `height × width`: a view into {@link SegmentationResult.logits} (no copy).
   *
   * @throws {@link PipelineError} `PIPELINE_INVALID_OPTIONS` for an index outside `[0, promptCount)`
   */
  logitsFor(index: number): Float32Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.promptCount) {
      throw new PipelineError('PIPELINE_INVALID_OPTIONS', `Prompt index ${String(index)} is out of range: this result has ${this.promptCount} prompt(s).`, {
        details: { index, promptCount: this.promptCount },
      });
    }
    const size = this.height * this.width;
    return this.logits.data.subarray(index * size, (index + 1) * size);
  }

  /** The probabilities of prompt `index` (sigmoid of its logits), in a new array. */
  probabilitiesFor(index: number): Float32Array {
    const logits = this.logitsFor(index);
    const out = new Float32Array(logits.length);
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
}
