import { CLIPSegError } from '../errors.js';

/**
 * Error codes of the CLIP tokenizer.
 *
 * - `TOKENIZER_INVALID_VOCAB`: `vocab.json` (or `model.vocab`) is not a `{ token: id }` object of unique non-negative integer ids.
 * - `TOKENIZER_INVALID_MERGES`: a merge line or entry is not two tokens, or it makes a token the vocabulary lacks.
 * - `TOKENIZER_INVALID_JSON`: `tokenizer.json` is not JSON, or not the shape of a BPE tokenizer.
 * - `TOKENIZER_INVALID_BPE_FILE`: OpenAI's `bpe_simple_vocab_16e6.txt(.gz)` is truncated, corrupt or cannot be decompressed.
 * - `TOKENIZER_MISSING_SPECIAL_TOKEN`: the begin / end-of-text token is not in the vocabulary.
 * - `TOKENIZER_INVALID_OPTION`: an option has the wrong type or range.
 * - `TOKENIZER_INVALID_INPUT`: `encode` / `call` / `decode` got something other than text or ids.
 * - `TOKENIZER_INPUT_TOO_LONG`: the text has a stretch without white space longer than the tokenizer reads at once.
 * - `TOKENIZER_UNSUPPORTED`: the file describes a tokenizer this CLIP implementation cannot reproduce, or the runtime lacks a needed global.
 */
export type TokenizerErrorCode =
  | 'TOKENIZER_INVALID_VOCAB'
  | 'TOKENIZER_INVALID_MERGES'
  | 'TOKENIZER_INVALID_JSON'
  | 'TOKENIZER_INVALID_BPE_FILE'
  | 'TOKENIZER_MISSING_SPECIAL_TOKEN'
  | 'TOKENIZER_INVALID_OPTION'
  | 'TOKENIZER_INVALID_INPUT'
  | 'TOKENIZER_INPUT_TOO_LONG'
  | 'TOKENIZER_UNSUPPORTED';

/** The CLIP tokenizer files or a call's arguments are unusable; `code` says which. */
export class TokenizerError extends CLIPSegError<TokenizerErrorCode> {}
