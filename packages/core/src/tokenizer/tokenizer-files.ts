import { BYTE_ORDER, BYTE_TO_UNICODE } from './byte-unicode.js';
import { describeValue } from '../describe-value.js';
import { END_OF_WORD } from './bpe.js';
import { TokenizerError } from './tokenizer-error.js';

/** A token that is matched literally in the input and never goes through BPE. */
export interface AddedToken {
  /** The literal text, e.g. `<|endoftext|>`. */
  readonly content: string;
  /** Its id. */
  readonly id: number;
  /**
   * Matched in the normalized text (true) or the raw text (false), as the
   * `normalized` flag of `tokenizer.json`'s `added_tokens`.
   */
  readonly normalized: boolean;
}

/** What the loaders read out of the tokenizer files. */
export interface TokenizerFiles {
  readonly vocab: Map<string, number>;
  readonly merges: [string, string][];
  readonly addedTokens: AddedToken[];
  /** Begin-of-text token named by the file (tokenizer.json's post-processor), if any. */
  readonly bosToken?: string;
  /** End-of-text token named by the file, if any. */
  readonly eosToken?: string;
}

/** Merge lines OpenAI's `simple_tokenizer.py` reads: `49152 - 256 - 2`. */
export const OPENAI_MERGE_COUNT = 49152 - 256 - 2;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string, code: 'TOKENIZER_INVALID_VOCAB' | 'TOKENIZER_INVALID_JSON', what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TokenizerError(code, `${what} is not valid JSON (${(cause as Error).message}). Pass the file's text or its parsed object.`, { cause });
  }
}

/**
 * Largest token id accepted: the tokenizer keeps ids in `Int32Array`s, and no real vocabulary comes near it (CLIP's
 * largest id is 49407).
 */
export const MAX_TOKEN_ID = 0x7fff_fffe;

/**
 * Reads a `{ token: id }` vocabulary (`vocab.json` or `tokenizer.json`'s `model.vocab`).
 *
 * @throws {@link TokenizerError} `TOKENIZER_INVALID_VOCAB` unless it is an object of unique non-negative integer ids
 */
export function parseVocab(vocab: unknown, what = 'vocab.json'): Map<string, number> {
  const value = typeof vocab === 'string' ? parseJson(vocab, 'TOKENIZER_INVALID_VOCAB', what) : vocab;
  if (!isRecord(value)) {
    throw new TokenizerError(
      'TOKENIZER_INVALID_VOCAB',
      `${what} must be a JSON object mapping each token to its integer id, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`,
    );
  }
  const map = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const [token, id] of Object.entries(value)) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id > MAX_TOKEN_ID) {
      throw new TokenizerError('TOKENIZER_INVALID_VOCAB', `${what}: the id of ${describeValue(token)} is ${describeValue(id)}; ids must be integers from 0 to ${MAX_TOKEN_ID}.`, {
        details: { token },
      });
    }
    const other = seen.get(id);
    if (other !== undefined) {
      throw new TokenizerError('TOKENIZER_INVALID_VOCAB', `${what}: ${describeValue(other)} and ${describeValue(token)} share id ${id}; every token needs its own id.`, {
        details: { id, tokens: [other, token] },
      });
    }
    seen.set(id, token);
    map.set(token, id);
  }
  if (map.size === 0) throw new TokenizerError('TOKENIZER_INVALID_VOCAB', `${what} is empty; pass the CLIP vocabulary (49408 tokens).`);
  return map;
}

/**
 * Reads `merges.txt`: an optional `#version` first line, then one `left right`
 * pair per line (blank lines and a trailing newline are ignored; CRLF is accepted).
 *
 * @throws {@link TokenizerError} `TOKENIZER_INVALID_MERGES` for a line that is not two tokens
 */
export function parseMergesText(text: string): [string, string][] {
  if (typeof text !== 'string') {
    throw new TokenizerError('TOKENIZER_INVALID_MERGES', `merges.txt must be passed as text, got ${typeof text}.`);
  }
  const lines = text.split('\n');
  const merges: [string, string][] = [];
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new TokenizerError(
        'TOKENIZER_INVALID_MERGES',
        `merges.txt line ${index + 1} is ${JSON.stringify(line.slice(0, 80))}; each merge line must be two tokens separated by one space.`,
        { details: { line: index + 1 } },
      );
    }
    merges.push([parts[0]!, parts[1]!]);
  });
  if (merges.length === 0) throw new TokenizerError('TOKENIZER_INVALID_MERGES', 'merges.txt holds no merges; pass the CLIP merges file (48894 merges).');
  return merges;
}

function parseMergeEntry(entry: unknown, index: number): [string, string] {
  if (typeof entry === 'string') {
    const parts = entry.split(' ');
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return [parts[0]!, parts[1]!];
  } else if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string' && entry[0] !== '' && entry[1] !== '') {
    return [entry[0], entry[1]];
  }
  throw new TokenizerError(
    'TOKENIZER_INVALID_MERGES',
    `tokenizer.json model.merges[${index}] is ${describeValue(entry)}; each merge must be "left right" or ["left", "right"].`,
    { details: { index } },
  );
}

/** How deep `Sequence` post-processors may nest (real files use one level). */
const MAX_POST_PROCESSOR_DEPTH = 8;

/** The begin/end tokens a tokenizer.json post-processor adds, if it says. */
function specialsFromPostProcessor(processor: unknown, depth = 0): { bos?: string; eos?: string } {
  if (!isRecord(processor)) return {};
  if (processor.type === 'Sequence' && Array.isArray(processor.processors)) {
    if (depth >= MAX_POST_PROCESSOR_DEPTH) {
      throw new TokenizerError('TOKENIZER_UNSUPPORTED', `tokenizer.json post_processor nests Sequence processors more than ${MAX_POST_PROCESSOR_DEPTH} deep; a CLIP tokenizer.json uses one level.`);
    }
    for (const inner of processor.processors) {
      const found = specialsFromPostProcessor(inner, depth + 1);
      if (found.bos !== undefined || found.eos !== undefined) return found;
    }
    return {};
  }
  if (processor.type === 'RobertaProcessing' || processor.type === 'BertProcessing') {
    const cls = Array.isArray(processor.cls) && typeof processor.cls[0] === 'string' ? processor.cls[0] : undefined;
    const sep = Array.isArray(processor.sep) && typeof processor.sep[0] === 'string' ? processor.sep[0] : undefined;
    return { ...(cls === undefined ? {} : { bos: cls }), ...(sep === undefined ? {} : { eos: sep }) };
  }
  if (processor.type === 'TemplateProcessing' && Array.isArray(processor.single)) {
    const items = processor.single as unknown[];
    const sequenceAt = items.findIndex((item) => isRecord(item) && 'Sequence' in item);
    const idOf = (item: unknown): string | undefined =>
      isRecord(item) && isRecord(item.SpecialToken) && typeof item.SpecialToken.id === 'string' ? item.SpecialToken.id : undefined;
    const bos = sequenceAt > 0 ? idOf(items[0]) : undefined;
    const eos = sequenceAt >= 0 && sequenceAt < items.length - 1 ? idOf(items[items.length - 1]) : undefined;
    return { ...(bos === undefined ? {} : { bos }), ...(eos === undefined ? {} : { eos }) };
  }
  return {};
}

/**
 * Reads a HuggingFace `tokenizer.json` of a CLIP (byte-level BPE, `</w>`) tokenizer.
 * Only `model`, `added_tokens` and the post-processor's special tokens are read; the
 * normalizer and pre-tokenizer are assumed to be CLIP's.
 *
 * @throws {@link TokenizerError} `TOKENIZER_INVALID_JSON`, `TOKENIZER_INVALID_VOCAB`,
 *   `TOKENIZER_INVALID_MERGES` or `TOKENIZER_UNSUPPORTED`
 */
export function parseTokenizerJson(json: unknown): TokenizerFiles {
  const root = typeof json === 'string' ? parseJson(json, 'TOKENIZER_INVALID_JSON', 'tokenizer.json') : json;
  if (!isRecord(root) || !isRecord(root.model)) {
    throw new TokenizerError('TOKENIZER_INVALID_JSON', 'tokenizer.json has no "model" object; pass the tokenizer.json of a CLIP checkpoint.');
  }
  const model = root.model;
  if (model.type !== undefined && model.type !== 'BPE') {
    throw new TokenizerError('TOKENIZER_UNSUPPORTED', `tokenizer.json has a ${describeValue(model.type)} model; the CLIP tokenizer needs a "BPE" model.`);
  }
  if (model.end_of_word_suffix !== undefined && model.end_of_word_suffix !== null && model.end_of_word_suffix !== END_OF_WORD) {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED',
      `tokenizer.json's BPE uses end_of_word_suffix ${describeValue(model.end_of_word_suffix)}; CLIP's is "</w>". This is not a CLIP tokenizer.`,
    );
  }
  if (!isRecord(model.vocab)) {
    throw new TokenizerError('TOKENIZER_INVALID_VOCAB', 'tokenizer.json model.vocab must be an object mapping each token to its id.');
  }
  const vocab = parseVocab(model.vocab, 'tokenizer.json model.vocab');
  if (!Array.isArray(model.merges)) {
    throw new TokenizerError('TOKENIZER_INVALID_MERGES', 'tokenizer.json model.merges must be an array of "left right" strings or [left, right] pairs.');
  }
  const merges = model.merges.map((entry, index) => parseMergeEntry(entry, index));

  const addedTokens: AddedToken[] = [];
  if (root.added_tokens !== undefined && root.added_tokens !== null) {
    if (!Array.isArray(root.added_tokens)) throw new TokenizerError('TOKENIZER_INVALID_JSON', 'tokenizer.json added_tokens must be an array.');
    root.added_tokens.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.content !== 'string' || entry.content === '' || typeof entry.id !== 'number' || !Number.isSafeInteger(entry.id) || entry.id < 0 || entry.id > MAX_TOKEN_ID) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_JSON',
          `tokenizer.json added_tokens[${index}] needs a non-empty string "content" and an integer "id" from 0 to ${MAX_TOKEN_ID}.`,
          { details: { index } },
        );
      }
      addedTokens.push({ content: entry.content, id: entry.id, normalized: entry.normalized === true });
    });
  }
  const { bos, eos } = specialsFromPostProcessor(root.post_processor);
  return { vocab, merges, addedTokens, ...(bos === undefined ? {} : { bosToken: bos }), ...(eos === undefined ? {} : { eosToken: eos }) };
}

/**
 * Builds the vocabulary and merges from OpenAI's `bpe_simple_vocab_16e6.txt`
 * the way `simple_tokenizer.py` does: line 0 is a header, lines
 * 1 … {@link OPENAI_MERGE_COUNT} are merges; the vocabulary is the 256 byte
 * symbols, the same with `</w>`, each merge joined, then `<|startoftext|>` and
 * `<|endoftext|>`.
 *
 * @throws {@link TokenizerError} `TOKENIZER_INVALID_BPE_FILE` when lines are missing or malformed
 */
export function parseOpenAIBpeText(text: string): TokenizerFiles {
  const lines = text.split('\n');
  if (lines.length < OPENAI_MERGE_COUNT + 1) {
    throw new TokenizerError(
      'TOKENIZER_INVALID_BPE_FILE',
      `The BPE file has ${lines.length} lines; OpenAI's bpe_simple_vocab_16e6.txt needs a header line and at least ${OPENAI_MERGE_COUNT} merge lines. Is it truncated?`,
      { details: { lines: lines.length } },
    );
  }
  const merges: [string, string][] = [];
  for (let i = 1; i <= OPENAI_MERGE_COUNT; i++) {
    // Python's str.split(): any run of str.isspace() characters.
    // eslint-disable-next-line no-control-regex -- U+001C…U+001F count as white space in Python
    const parts = lines[i]!.split(/[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u).filter((part) => part !== '');
    if (parts.length !== 2) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_BPE_FILE',
        `Line ${i + 1} of the BPE file is ${JSON.stringify(lines[i]!.slice(0, 80))}; merge lines must be two tokens separated by a space.`,
        { details: { line: i + 1 } },
      );
    }
    merges.push([parts[0]!, parts[1]!]);
  }
  const tokens: string[] = BYTE_ORDER.map((b) => BYTE_TO_UNICODE[b]!);
  for (let i = 0; i < 256; i++) tokens.push(tokens[i]! + END_OF_WORD);
  for (const [left, right] of merges) tokens.push(left + right);
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const vocab = new Map<string, number>();
  tokens.forEach((token, id) => vocab.set(token, id)); // a repeated token keeps its last id, as Python's dict(zip(...)) does
  return { vocab, merges, addedTokens: [] };
}
