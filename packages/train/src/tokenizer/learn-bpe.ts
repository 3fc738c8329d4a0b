import { CLIPTokenizer } from '@clipseg/core';
import { TrainDataError } from '../data/train-data-error.js';
import { byteSymbols, clipByteOrder } from './byte-symbols.js';

/** CLIP's end-of-word marker, on the last symbol of every word. */
export const END_OF_WORD = '</w>';
/** CLIP's begin-of-text token. */
export const BOS_TOKEN = '<|startoftext|>';
/** CLIP's end-of-text token. */
export const EOS_TOKEN = '<|endoftext|>';
/** Tokens every learned vocabulary has before any merge: 256 byte symbols, 256 with `</w>`, and the two specials. */
export const BASE_VOCAB_SIZE = 514;

/** Options of {@link learnBpe}. */
export interface LearnBpeOptions {
  /** Size of the vocabulary to learn, specials included: at least {@link BASE_VOCAB_SIZE} (which learns no merge). */
  readonly vocabSize: number;
  /** Pairs seen fewer times than this are never merged (learning stops early). Default 2. */
  readonly minFrequency?: number;
}

/** A learned byte-level BPE in CLIP's format. */
export interface LearnedBpe {
  /** Token → id, ids 0 … size − 1 with no holes; the two specials last (as `vocab.json` has it). */
  readonly vocab: Record<string, number>;
  /** Merges in rank order, each `"left right"` (as `merges.txt` lines after its `#version` header). */
  readonly merges: string[];
}

/**
 * A tokenizer with the byte vocabulary and no merges: core's CLIP tokenizer, used for its pre-tokenisation (clean-up,
 * lower-casing, CLIP's word pattern, byte → unicode, `</w>` on each word's last symbol), so that the learner splits
 * text exactly as the tokenizer that will load the result.
 */
function byteTokenizer(): CLIPTokenizer {
  const vocab: Record<string, number> = {};
  const symbols = byteSymbols();
  clipByteOrder().forEach((b, i) => {
    vocab[symbols[b]!] = i;
    vocab[symbols[b]! + END_OF_WORD] = 256 + i;
  });
  vocab[BOS_TOKEN] = 512;
  vocab[EOS_TOKEN] = 513;
  // Core wants at least one merge: 0xFF never occurs in UTF-8, so this one never applies.
  vocab['\u00ff\u00ff'] = 514;
  return CLIPTokenizer.fromVocabAndMerges(vocab, '#version: 0.2\n\u00ff \u00ff\n', { cacheSize: 0 });
}

/**
 * The words of `text` as CLIP pre-tokenises them, each a list of byte symbols ending in a `</w>` one.
 *
 * @param tokenizer - a CLIP tokenizer whose vocabulary has no merges (made once per call when left out)
 */
export function clipWordSymbols(text: string, tokenizer?: CLIPTokenizer): string[][] {
  const words: string[][] = [];
  let word: string[] = [];
  for (const token of (tokenizer ?? byteTokenizer()).tokenize(text)) {
    word.push(token);
    if (token.endsWith(END_OF_WORD)) {
      words.push(word);
      word = [];
    }
  }
  return words;
}

/** Merges every non-overlapping `(left, right)` of `symbols`, left to right. */
export function mergePair(symbols: readonly string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else out.push(symbols[i]!);
  }
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Learns a byte-level BPE in CLIP's format from a corpus of texts.
 *
 * Each text is pre-tokenised as core's CLIP tokenizer does (HF fast clean-up: NFC, white space runs → one space,
 * lower-case; CLIP's word pattern; UTF-8 bytes → CLIP's byte symbols; `</w>` on each word's last symbol). Then, while
 * the vocabulary is below `vocabSize`, the most frequent adjacent pair of symbols (counted over all words, each word
 * weighted by how often it occurs) is merged everywhere, left to right.
 *
 * **Tie rule**: among pairs with the same count, the one whose left symbol is smallest in UTF-16 code-unit order wins,
 * then the one whose right symbol is. A pair whose merged string is already a token is never merged, so every merge
 * adds one token and no token has two merges (with that, core's rank-order encoding equals applying the merges in
 * order, see {@link encodeWithMerges}). The result depends only on the multiset of words, not on the texts' order.
 *
 * Vocabulary: the 256 byte symbols in CLIP's order, the same with `</w>`, one token per merge, then
 * `<|startoftext|>` and `<|endoftext|>`. Cost: each merge recounts the pairs of the distinct words, so
 * O(merges × total symbols of distinct words): fine for grammar corpora, slow for web-scale text.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for a vocabulary size below {@link BASE_VOCAB_SIZE}, a
 *   `minFrequency` below 1, or a corpus item that is not a string
 */
export function learnBpe(corpus: Iterable<string>, options: LearnBpeOptions): LearnedBpe {
  const { vocabSize } = options;
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < BASE_VOCAB_SIZE) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `vocabSize must be an integer ≥ ${BASE_VOCAB_SIZE} (the byte symbols and the two specials), not ${String(vocabSize)}.`);
  }
  if (!Number.isSafeInteger(minFrequency) || minFrequency < 1) throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `minFrequency must be an integer ≥ 1, not ${String(minFrequency)}.`);
  const tokenizer = byteTokenizer();
  const counts = new Map<string, { symbols: string[]; count: number }>();
  let index = 0;
  for (const text of corpus) {
    if (typeof text !== 'string') throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `corpus item ${index} is ${typeof text}, not a string.`);
    for (const symbols of clipWordSymbols(text, tokenizer)) {
      const key = symbols.join('');
      const entry = counts.get(key);
      if (entry === undefined) counts.set(key, { symbols, count: 1 });
      else entry.count++;
    }
    index++;
  }
  // Distinct words in a fixed order, so that nothing below depends on the corpus order.
  const words = [...counts.entries()].sort((a, b) => compareStrings(a[0], b[0])).map(([, entry]) => entry);

  const vocab: Record<string, number> = {};
  const tokens = new Set<string>();
  const symbols = byteSymbols();
  clipByteOrder().forEach((b, i) => {
    vocab[symbols[b]!] = i;
    vocab[symbols[b]! + END_OF_WORD] = 256 + i;
    tokens.add(symbols[b]!).add(symbols[b]! + END_OF_WORD);
  });
  const merges: string[] = [];
  while (tokens.size + 2 < vocabSize) {
    const pairs = new Map<string, { left: string; right: string; count: number }>();
    for (const word of words) {
      const s = word.symbols;
      for (let i = 0; i + 1 < s.length; i++) {
        const left = s[i]!;
        const right = s[i + 1]!;
        if (tokens.has(left + right)) continue;
        const key = `${left} ${right}`;
        const pair = pairs.get(key);
        if (pair === undefined) pairs.set(key, { left, right, count: word.count });
        else pair.count += word.count;
      }
    }
    let best: { left: string; right: string; count: number } | undefined;
    for (const pair of pairs.values()) {
      if (pair.count < minFrequency) continue;
      if (best === undefined || pair.count > best.count || (pair.count === best.count && (compareStrings(pair.left, best.left) || compareStrings(pair.right, best.right)) < 0)) best = pair;
    }
    if (best === undefined) break;
    const { left, right } = best;
    merges.push(`${left} ${right}`);
    vocab[left + right] = tokens.size;
    tokens.add(left + right);
    for (const word of words) if (word.symbols.length > 1) word.symbols = mergePair(word.symbols, left, right);
  }
  vocab[BOS_TOKEN] = tokens.size;
  vocab[EOS_TOKEN] = tokens.size + 1;
  return { vocab, merges };
}

/**
 * Token ids of `text` by the learned merges applied directly, in rank order, each everywhere (OpenAI's reference
 * BPE), with no begin/end-of-text: the ids core's CLIP tokenizer gives for the same files (a check, and a reference).
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` when a merged symbol is not in the vocabulary
 */
export function encodeWithMerges(learned: LearnedBpe, text: string): number[] {
  const ids: number[] = [];
  const pairs = learned.merges.map((line) => line.split(' ') as [string, string]);
  for (let symbols of clipWordSymbols(text, byteTokenizer())) {
    for (const [left, right] of pairs) {
      if (symbols.length === 1) break;
      symbols = mergePair(symbols, left, right);
    }
    for (const symbol of symbols) {
      const id = learned.vocab[symbol];
      if (id === undefined) throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `The symbol ${JSON.stringify(symbol)} is not in the vocabulary; pass the vocab and merges learnBpe returned together.`);
      ids.push(id);
    }
  }
  return ids;
}
