import { createTensor } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { TokenizerError } from './tokenizer-error.js';

/** Token ids and attention masks of a batch, one row per text. */
export interface BatchEncoding {
  /** Token ids; padded rows end in the pad id. */
  inputIds: number[][];
  /** 1 for a real token, 0 for padding; same shape as `inputIds`. */
  attentionMask: number[][];
}

/** A {@link BatchEncoding} as the int64 tensors a CLIP text model takes. */
export interface BatchEncodingTensors {
  /** `[batch, sequence]` int64 token ids. */
  input_ids: Tensor<'int64'>;
  /** `[batch, sequence]` int64, 1 real / 0 padding. */
  attention_mask: Tensor<'int64'>;
}

function toInt64(rows: readonly (readonly number[])[], width: number): Tensor<'int64'> {
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => {
    for (let c = 0; c < width; c++) data[r * width + c] = BigInt(row[c]!);
  });
  return createTensor('int64', [rows.length, width], data);
}

/**
 * Turns a {@link BatchEncoding} into `input_ids` / `attention_mask` int64
 * tensors of shape `[batch, sequence]`.
 *
 * @throws {@link TokenizerError} `TOKENIZER_INVALID_INPUT` when the rows differ in
 *   length (encode with `padding: 'longest'` or `'max_length'`) or the two arrays disagree
 */
export function batchEncodingToTensors(encoding: BatchEncoding): BatchEncodingTensors {
  const { inputIds, attentionMask } = encoding;
  const width = inputIds[0]?.length ?? 0;
  if (attentionMask.length !== inputIds.length) {
    throw new TokenizerError('TOKENIZER_INVALID_INPUT', `inputIds has ${inputIds.length} rows but attentionMask has ${attentionMask.length}.`);
  }
  inputIds.forEach((row, r) => {
    if (row.length !== width || attentionMask[r]!.length !== width) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `Row ${r} has ${row.length} tokens but row 0 has ${width}; tensors need equal rows. Encode with padding: 'longest' or 'max_length'.`,
        { details: { row: r, length: row.length, expected: width } },
      );
    }
  });
  return { input_ids: toInt64(inputIds, width), attention_mask: toInt64(attentionMask, width) };
}
