import { CLIPSegError } from '../errors.js';

/**
 * Error codes raised by the HF model classes ({@link CLIPSegProcessor}, {@link CLIPSegModel},
 * {@link CLIPSegTextModel}, {@link CLIPSegVisionModel}, {@link CLIPSegForImageSegmentation}). Where HF raises a
 * `ValueError`, the message starts with HF's own wording.
 *
 * - `HF_INVALID_OPTIONS` — a bad option (unknown `padding`, a non-positive `max_length` …).
 * - `HF_INVALID_INPUT` — an input of the wrong type, rank, dtype or values (token ids outside the vocabulary, an
 *   attention mask that is not 0/1, pixel_values with the wrong number of channels …).
 * - `HF_MISSING_INPUT` — a required input is absent (HF: "You have to specify input_ids", "Invalid conditional …").
 * - `HF_CONFLICTING_INPUTS` — inputs that exclude each other (the processor's `text` and `visual_prompt`).
 * - `HF_BATCH_MISMATCH` — the number of prompts differs from the number of query images.
 * - `HF_EMBEDDING_SIZE` — conditional embeddings whose width is not `projection_dim`.
 * - `HF_SEQUENCE_TOO_LONG` — more tokens than `max_position_embeddings`.
 * - `HF_PADDING_REQUIRED` — the processor's texts tokenized to different lengths without padding.
 * - `HF_IMAGE_SIZE` — an image size the model or the bundle's fixed-size graphs cannot take.
 * - `HF_GRAPH_MISSING` — the call needs an optional graph this bundle lacks; re-convert with `optionalGraphs`.
 * - `HF_LOGIT_SCALE_MISSING` — `CLIPSegModel.forward` on a format-1 bundle (no `logitScale`) without the `logitScale` option.
 * - `HF_NO_IMAGE_ADAPTER` — images were passed to a processor made without an image adapter.
 * - `HF_ADAPTER_INVALID` — the image adapter returned something that is not `[n, channels, height, width]` float32.
 * - `HF_FILE_MISSING` — a file the processor reads (`preprocessor_config.json`) is absent.
 * - `HF_GRAPH_MISMATCH` — a graph's inputs or outputs are not those the class needs.
 * - `HF_OUTPUT_INVALID` — a graph returned a tensor of the wrong type or shape.
 * - `HF_DISPOSED` — the model (or its shared bundle) was disposed.
 * - `HF_ABORTED` — the caller's `signal` aborted the call.
 */
export type HFModelErrorCode =
  | 'HF_INVALID_OPTIONS'
  | 'HF_INVALID_INPUT'
  | 'HF_MISSING_INPUT'
  | 'HF_CONFLICTING_INPUTS'
  | 'HF_BATCH_MISMATCH'
  | 'HF_EMBEDDING_SIZE'
  | 'HF_SEQUENCE_TOO_LONG'
  | 'HF_PADDING_REQUIRED'
  | 'HF_IMAGE_SIZE'
  | 'HF_GRAPH_MISSING'
  | 'HF_LOGIT_SCALE_MISSING'
  | 'HF_NO_IMAGE_ADAPTER'
  | 'HF_ADAPTER_INVALID'
  | 'HF_FILE_MISSING'
  | 'HF_GRAPH_MISMATCH'
  | 'HF_OUTPUT_INVALID'
  | 'HF_DISPOSED'
  | 'HF_ABORTED';

/** An HF model class refused its inputs, needs a graph the bundle lacks, was disposed or aborted. */
export class HFModelError extends CLIPSegError<HFModelErrorCode> {}
