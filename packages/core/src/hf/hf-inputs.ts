import type { CLIPSegTextConfig } from '../config/text-config.js';
import type { CLIPSegVisionConfig } from '../config/vision-config.js';
import { createTensor, isTensor, type Tensor } from '../tensor/tensor.js';
import { HFModelError } from './hf-error.js';
import type { CLIPSegTextInputs, TokenTensorLike } from './hf-types.js';

function invalid(message: string, details?: Record<string, unknown>): HFModelError {
  return new HFModelError('HF_INVALID_INPUT', message, details === undefined ? undefined : { details });
}

/**
 * Token ids or a mask as an int64 `[batch, sequence]` tensor (int64 tensors are returned as they are).
 *
 * @throws {@link HFModelError} `HF_INVALID_INPUT` for another dtype or rank, ragged rows or non-integers
 */
export function toTokenTensor(value: TokenTensorLike, name: string): Tensor<'int64'> {
  if (Array.isArray(value)) {
    const rows = value as readonly (readonly number[])[];
    const width = rows[0]?.length ?? 0;
    const data = new BigInt64Array(rows.length * width);
    rows.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== width) throw invalid(`${name} must have rows of equal length; row ${r} differs from row 0 (${width}). Pad the batch (the processor's padding option).`);
      row.forEach((v, c) => {
        if (!Number.isSafeInteger(v)) throw invalid(`${name}[${r}][${c}] must be an integer, got ${String(v)}.`);
        data[r * width + c] = BigInt(v);
      });
    });
    return createTensor('int64', [rows.length, width], data);
  }
  if (!isTensor(value) || (value.type !== 'int64' && value.type !== 'int32')) {
    const got = isTensor(value) ? `a ${value.type} tensor` : typeof value;
    throw invalid(`${name} must be an int64 (or int32) tensor [batch, sequence] or an array of rows, got ${got}.`);
  }
  if (value.dims.length !== 2) throw invalid(`${name} must be [batch, sequence], got [${value.dims.join(', ')}].`);
  if (value.type === 'int64') return value as Tensor<'int64'>;
  return createTensor('int64', value.dims, BigInt64Array.from(value.data as Int32Array, (v) => BigInt(v)));
}

/** Checked text inputs. */
export interface CheckedText {
  /** `[batch, sequence]` ids. */
  readonly ids: Tensor<'int64'>;
  /** The mask, or `undefined` when none was given (all ones). */
  readonly mask: Tensor<'int64'> | undefined;
  /** Rows. */
  readonly batch: number;
  /** Tokens per row. */
  readonly sequence: number;
}

/**
 * Checks text inputs as HF's text tower would take them.
 *
 * @throws {@link HFModelError} `HF_MISSING_INPUT` (HF: "You have to specify input_ids"), `HF_SEQUENCE_TOO_LONG`,
 *   `HF_INVALID_INPUT` (ids outside the vocabulary, a mask that is not 0/1 or not shaped like the ids)
 */
export function checkTextInputs(inputs: CLIPSegTextInputs, text: CLIPSegTextConfig): CheckedText {
  if (typeof inputs !== 'object' || inputs === null || inputs.input_ids === undefined || inputs.input_ids === null) {
    throw new HFModelError('HF_MISSING_INPUT', 'You have to specify input_ids (token ids, e.g. from CLIPSegProcessor).');
  }
  const ids = toTokenTensor(inputs.input_ids, 'input_ids');
  const [batch, sequence] = ids.dims as [number, number];
  if (batch < 1 || sequence < 1) throw invalid(`input_ids must have at least one row and one token, got [${batch}, ${sequence}].`);
  const max = text.max_position_embeddings;
  if (sequence > max) {
    throw new HFModelError(
      'HF_SEQUENCE_TOO_LONG',
      `Sequence length must be less than max_position_embeddings (got \`sequence length\`: ${sequence} and max_position_embeddings: ${max}). Tokenize with truncation: true.`,
      { details: { sequence, max } },
    );
  }
  for (let i = 0; i < ids.data.length; i++) {
    const id = ids.data[i]!;
    if (id < 0n || id >= BigInt(text.vocab_size)) {
      throw invalid(`input_ids[${Math.floor(i / sequence)}][${i % sequence}] is ${id}, outside the vocabulary (0 … ${text.vocab_size - 1}).`);
    }
  }
  let mask: Tensor<'int64'> | undefined;
  if (inputs.attention_mask !== undefined && inputs.attention_mask !== null) {
    mask = toTokenTensor(inputs.attention_mask, 'attention_mask');
    if (mask.dims[0] !== batch || mask.dims[1] !== sequence) throw invalid(`attention_mask must be shaped like input_ids [${batch}, ${sequence}], got [${mask.dims.join(', ')}].`);
    if (mask.data.some((v) => v !== 0n && v !== 1n)) throw invalid('attention_mask must hold only 0 (padding) and 1 (token).');
  }
  return { ids, mask, batch, sequence };
}

/**
 * The position HF pools each row at: the first `eos_token_id`, or the (first) largest id when `eos_token_id` is
 * 2 (HF's legacy rule); 0 when a row has no `eos_token_id`, as `argmax` of all zeros gives.
 */
export function pooledPositions(ids: Tensor<'int64'>, eosTokenId: number): number[] {
  const [batch, sequence] = ids.dims as [number, number];
  const eos = BigInt(eosTokenId);
  return Array.from({ length: batch }, (_, b) => {
    let best = 0;
    for (let t = 0; t < sequence; t++) {
      const id = ids.data[b * sequence + t]!;
      if (eosTokenId === 2) {
        if (id > ids.data[b * sequence + best]!) best = t;
      } else if (id === eos) return t;
    }
    return best;
  });
}

/**
 * True when the mask keeps every token up to each row's pooled position: the pooled output (and `text_embeds`) is
 * then the same with or without the mask, so the default `text_encoder` graph computes it exactly.
 */
export function maskKeepsPooledPrefix(text: CheckedText, eosTokenId: number): boolean {
  if (text.mask === undefined) return true;
  const pooled = pooledPositions(text.ids, eosTokenId);
  return pooled.every((end, b) => {
    for (let t = 0; t <= end; t++) if (text.mask!.data[b * text.sequence + t] !== 1n) return false;
    return true;
  });
}

/** Checked pixel values. */
export interface CheckedPixels {
  /** The tensor. */
  readonly pixels: Tensor<'float32'>;
  /** Images. */
  readonly batch: number;
  /** Image height. */
  readonly height: number;
  /** Image width. */
  readonly width: number;
}

/**
 * Checks float32 `[batch, num_channels, height, width]` pixels (height and width at least one patch).
 *
 * @throws {@link HFModelError} `HF_MISSING_INPUT` when absent, `HF_INVALID_INPUT` otherwise
 */
export function checkPixelValues(value: Tensor<'float32'> | undefined, name: string, vision: CLIPSegVisionConfig): CheckedPixels {
  if (value === undefined || value === null) throw new HFModelError('HF_MISSING_INPUT', `You have to specify ${name} (e.g. from CLIPSegProcessor).`);
  if (!isTensor(value) || value.type !== 'float32') throw invalid(`${name} must be a float32 tensor [batch, ${vision.num_channels}, height, width], got ${isTensor(value) ? value.type : typeof value}.`);
  const dims = value.dims;
  if (dims.length !== 4 || dims[1] !== vision.num_channels) {
    throw invalid(`${name} must be [batch, ${vision.num_channels}, height, width], got [${dims.join(', ')}].`, { dims: [...dims] });
  }
  const [batch, , height, width] = dims as [number, number, number, number];
  const p = vision.patch_size;
  if (batch < 1 || height < p || width < p) throw invalid(`${name} must hold at least one image of at least ${p}×${p} pixels (one patch), got [${dims.join(', ')}].`);
  return { pixels: value, batch, height, width };
}

/**
 * Checks conditional embeddings as HF `CLIPSegForImageSegmentation` does: one row per query image, each
 * `projection_dim` wide.
 *
 * @throws {@link HFModelError} `HF_INVALID_INPUT`, `HF_BATCH_MISMATCH` or `HF_EMBEDDING_SIZE`
 */
export function checkConditionalEmbeddings(value: Tensor<'float32'>, batch: number, projectionDim: number): Tensor<'float32'> {
  if (!isTensor(value) || value.type !== 'float32' || value.dims.length !== 2) {
    throw invalid(`conditional_embeddings must be a float32 tensor [batch, ${projectionDim}], got ${isTensor(value) ? `${value.type} [${value.dims.join(', ')}]` : typeof value}.`);
  }
  if (value.dims[0] !== batch) {
    throw new HFModelError('HF_BATCH_MISMATCH', `Make sure to pass as many conditional embeddings as there are query images in the batch (got ${value.dims[0]} for ${batch}).`, {
      details: { expected: batch, actual: value.dims[0] },
    });
  }
  if (value.dims[1] !== projectionDim) {
    throw new HFModelError('HF_EMBEDDING_SIZE', `Make sure that the feature dimension of the conditional embeddings matches \`config.projection_dim\` (${projectionDim}, got ${value.dims[1]}).`, {
      details: { expected: projectionDim, actual: value.dims[1] },
    });
  }
  return value;
}
