import { clipTokenizerJson } from '@clipseg/convert';
import { encodeUtf8 } from '@clipseg/core/utf8';
import { TrainDataError } from '../data/train-data-error.js';
import { BOS_TOKEN, EOS_TOKEN } from './learn-bpe.js';
import type { LearnedBpe } from './learn-bpe.js';

/** Options of {@link learnedTokenizerFiles}. */
export interface LearnedTokenizerFilesOptions {
  /** `model_max_length` of `tokenizer_config.json`: the text model's positions. Default 77 (CLIP's). */
  readonly modelMaxLength?: number;
}

/**
 * The tokenizer files of a checkpoint for a learned BPE, as HF's `CLIPTokenizer` (and core's `loadTokenizer`) read
 * them: `vocab.json`, `merges.txt` (with CLIP's `#version: 0.2` header), `tokenizer_config.json`,
 * `special_tokens_map.json` (the same layout as convert's `syntheticTokenizerFiles`), and the `tokenizer.json` that
 * transformers' converter would make from them (convert's `clipTokenizerJson`). The text model's `vocab_size` must be
 * the vocabulary's size (`Object.keys(vocab).length`); `<|startoftext|>` and `<|endoftext|>` are its last two ids.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` when there is no merge (HF and core reject an empty
 *   `merges.txt`: learn with a larger `vocabSize` or a richer corpus); `TokenizerError` when the vocabulary and merges
 *   do not fit together
 */
export function learnedTokenizerFiles(learned: LearnedBpe, options: LearnedTokenizerFilesOptions = {}): Record<string, Uint8Array> {
  const modelMaxLength = options.modelMaxLength ?? 77;
  if (learned.merges.length === 0) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', 'The learned BPE has no merges, and tokenizers reject an empty merges.txt; learn with a vocabSize above 514 on a corpus with repeated pairs.');
  }
  if (!Number.isSafeInteger(modelMaxLength) || modelMaxLength < 2) throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `modelMaxLength must be an integer ≥ 2, not ${String(modelMaxLength)}.`);
  const vocabJson = JSON.stringify(learned.vocab);
  const mergesText = `#version: 0.2\n${learned.merges.map((m) => `${m}\n`).join('')}`;
  const json = (value: unknown) => encodeUtf8(`${JSON.stringify(value, null, 2)}\n`);
  return {
    'vocab.json': encodeUtf8(vocabJson),
    'merges.txt': encodeUtf8(mergesText),
    'tokenizer.json': encodeUtf8(clipTokenizerJson(vocabJson, mergesText)),
    'tokenizer_config.json': json({
      model_max_length: modelMaxLength,
      bos_token: BOS_TOKEN,
      eos_token: EOS_TOKEN,
      pad_token: EOS_TOKEN,
      unk_token: EOS_TOKEN,
      tokenizer_class: 'CLIPTokenizer',
      clean_up_tokenization_spaces: false,
    }),
    'special_tokens_map.json': json({ bos_token: BOS_TOKEN, eos_token: EOS_TOKEN, pad_token: EOS_TOKEN, unk_token: EOS_TOKEN }),
  };
}
