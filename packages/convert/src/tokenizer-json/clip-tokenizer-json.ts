/**
 * Writes the `tokenizer.json` that transformers' `CLIPConverter` makes from a slow CLIP tokenizer's `vocab.json` and
 * `merges.txt`, for runtimes that read only `tokenizer.json` (transformers.js, HF `tokenizers`).
 *
 * @module
 */
import { CLIPTokenizer, readText, type FileSet } from '@clipseg/core';

/** The special tokens a CLIP `tokenizer.json` names. Defaults: CLIP's. */
export interface ClipSpecialTokens {
  /** Begin-of-text token (default `<|startoftext|>`). */
  readonly bos?: string;
  /** End-of-text token (default `<|endoftext|>`). */
  readonly eos?: string;
  /** Unknown token (default `<|endoftext|>`). */
  readonly unk?: string;
  /** Padding token (default `<|endoftext|>`). */
  readonly pad?: string;
}

const DEFAULT_BOS = '<|startoftext|>';
const DEFAULT_EOS = '<|endoftext|>';

/** CLIP's word pattern, as the converter writes it into the Split pre-tokenizer. */
const CLIP_SPLIT_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

function parseVocabObject(vocabJson: string): [string, number][] {
  const value = JSON.parse(vocabJson) as Record<string, number>;
  return Object.entries(value).sort((a, b) => a[1] - b[1]);
}

function parseMergeLines(mergesText: string): [string, string][] {
  return mergesText
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line, index) => line !== '' && !(index === 0 && line.startsWith('#version')))
    .map((line) => line.split(' ') as [string, string]);
}

/**
 * The `tokenizer.json` text for a CLIP vocabulary and merge list, laid out as transformers' `CLIPConverter` writes it
 * (and as `openai/clip-vit-base-patch32` ships it): NFC → `\s+` → ' ' → Lowercase; Split on CLIP's word pattern
 * (removed, inverted) then ByteLevel (no prefix space); BPE with `</w>`, unk = the unknown token; RobertaProcessing
 * with `cls` = begin-of-text and `sep` = end-of-text; ByteLevel decoder. The special tokens become `added_tokens`
 * (special, begin-of-text `normalized: true`, the others `false`, as in the hub file). The vocabulary is written in
 * id order and the merges as `[left, right]` pairs (the `tokenizers` ≥ 0.20 format).
 *
 * The inputs are checked by building a {@link CLIPTokenizer} from them first.
 *
 * @throws `TokenizerError` (`TOKENIZER_INVALID_VOCAB`, `TOKENIZER_INVALID_MERGES`, `TOKENIZER_MISSING_SPECIAL_TOKEN`)
 */
export function clipTokenizerJson(vocabJson: string, mergesText: string, specials: ClipSpecialTokens = {}): string {
  const bos = specials.bos ?? DEFAULT_BOS;
  const eos = specials.eos ?? DEFAULT_EOS;
  const unk = specials.unk ?? eos;
  const pad = specials.pad ?? eos;
  const checked = CLIPTokenizer.fromVocabAndMerges(vocabJson, mergesText, { bosToken: bos, eosToken: eos, cacheSize: 0 });
  const vocab = parseVocabObject(vocabJson);
  const merges = parseMergeLines(mergesText);
  const ids = new Map(vocab);

  const added = [...new Set([bos, eos, unk, pad])]
    .filter((token) => ids.has(token))
    .map((token) => ({ id: ids.get(token)!, content: token, single_word: false, lstrip: false, rstrip: false, normalized: token === bos, special: true }))
    .sort((a, b) => a.id - b.id);
  const head = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [eos, checked.eosTokenId], cls: [bos, checked.bosTokenId], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  };
  const model = {
    type: 'BPE',
    dropout: null,
    unk_token: unk,
    continuing_subword_prefix: '',
    end_of_word_suffix: '</w>',
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
  };
  // Vocabulary and merges are written by hand: a JS object would move integer-like tokens ("19") to the front.
  const vocabText = vocab.map(([token, id]) => `      ${JSON.stringify(token)}: ${id}`).join(',\n');
  const mergesJson = merges.map((pair) => `      ${JSON.stringify(pair)}`).join(',\n');
  const headText = JSON.stringify(head, null, 2).slice(0, -2); // without the closing "\n}"
  const modelText = JSON.stringify(model, null, 2).slice(0, -2).replace(/\n/g, '\n  ');
  return `${headText},\n  "model": ${modelText},\n    "vocab": {\n${vocabText}\n    },\n    "merges": [\n${mergesJson}\n    ]\n  }\n}\n`;
}

function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

async function readJsonObject(files: FileSet, name: string): Promise<Record<string, unknown>> {
  const text = await readText(files, name);
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {}; // loadTokenizer reports malformed tokenizer_config.json; special_tokens_map.json is optional
  }
}

/**
 * The checkpoint's `tokenizer.json` when it has one, else one written by {@link clipTokenizerJson} from its
 * `vocab.json` + `merges.txt` with the special tokens of `special_tokens_map.json` / `tokenizer_config.json`
 * (the latter wins, as in transformers). `undefined` when neither form is present.
 *
 * @throws `TokenizerError` for malformed vocabulary or merges
 */
export async function tokenizerJsonFor(files: FileSet): Promise<Uint8Array | undefined> {
  const existing = await files.readBytes('tokenizer.json');
  if (existing) return existing;
  const [vocab, merges] = await Promise.all([readText(files, 'vocab.json'), readText(files, 'merges.txt')]);
  if (vocab === undefined || merges === undefined) return undefined;
  const config = { ...(await readJsonObject(files, 'special_tokens_map.json')), ...(await readJsonObject(files, 'tokenizer_config.json')) };
  const specials: Record<string, string> = {};
  for (const [key, field] of [['bos', 'bos_token'], ['eos', 'eos_token'], ['unk', 'unk_token'], ['pad', 'pad_token']] as const) {
    const name = tokenName(config[field]);
    if (name !== undefined) specials[key] = name;
  }
  return new TextEncoder().encode(clipTokenizerJson(vocab, merges, specials));
}
