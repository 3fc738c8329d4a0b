import { BYTE_TO_UNICODE } from './byte-unicode.js';
import { TokenizerError } from './tokenizer-error.js';
import { pushUtf8 } from '../io/utf8.js';

/** Suffix CLIP's BPE puts on the last symbol of every word. */
export const END_OF_WORD = '</w>';

/** Words with more initial symbols than this use the heap merge loop. */
const HEAP_THRESHOLD = 48;

const NO_RANK = 0x7fffffff;

/**
 * Byte-level BPE over a CLIP vocabulary: maps one pre-tokenized word (any
 * string, before the byte → unicode step) to its token ids.
 *
 * Merging follows HuggingFace `tokenizers` (and so transformers.js): repeatedly
 * apply the lowest-ranked mergeable adjacent pair, leftmost first. For a
 * well-formed merges list (every merge ranked after the merges that made its
 * parts) this equals OpenAI's "merge every occurrence of the best bigram".
 */
export class BytePairEncoder {
  /** Token string → id. */
  readonly tokenToId: ReadonlyMap<string, number>;
  /** Id → token string (holes are `undefined`). */
  readonly idToToken: readonly (string | undefined)[];
  /** Number of merges kept (duplicate pairs count once, the last rank wins). */
  readonly mergeCount: number;

  readonly #byteIds = new Int32Array(256);
  readonly #byteEndIds = new Int32Array(256);
  readonly #mask: number;
  readonly #keyA: Int32Array;
  readonly #keyB: Int32Array;
  readonly #rank: Int32Array;
  readonly #merged: Int32Array;
  readonly #bytes: number[] = [];

  /**
   * @param vocab - token → id (already validated: unique non-negative integer ids)
   * @param merges - merge pairs in rank order
   * @throws {@link TokenizerError} `TOKENIZER_INVALID_VOCAB` when a byte symbol is missing,
   *   `TOKENIZER_INVALID_MERGES` when a merge names or makes a token the vocabulary lacks
   */
  constructor(vocab: ReadonlyMap<string, number>, merges: readonly (readonly [string, string])[]) {
    this.tokenToId = vocab;
    const idToToken: (string | undefined)[] = [];
    for (const [token, id] of vocab) idToToken[id] = token;
    this.idToToken = idToToken;

    for (let b = 0; b < 256; b++) {
      const ch = BYTE_TO_UNICODE[b]!;
      const id = vocab.get(ch);
      const endId = vocab.get(ch + END_OF_WORD);
      if (id === undefined || endId === undefined) {
        const missing = id === undefined ? ch : ch + END_OF_WORD;
        throw new TokenizerError(
          'TOKENIZER_INVALID_VOCAB',
          `The vocabulary lacks the byte-level symbol ${JSON.stringify(missing)} (byte 0x${b.toString(16).padStart(2, '0')}). ` +
            'A CLIP vocabulary holds all 256 byte symbols, with and without "</w>"; load the vocab.json that belongs to this merges file.',
          { details: { byte: b, token: missing } },
        );
      }
      this.#byteIds[b] = id;
      this.#byteEndIds[b] = endId;
    }

    let capacity = 16;
    while (capacity < merges.length * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#keyA = new Int32Array(capacity).fill(-1);
    this.#keyB = new Int32Array(capacity);
    this.#rank = new Int32Array(capacity);
    this.#merged = new Int32Array(capacity);
    let count = 0;
    merges.forEach(([left, right], rank) => {
      const a = vocab.get(left);
      const b = vocab.get(right);
      const merged = vocab.get(left + right);
      if (a === undefined || b === undefined || merged === undefined) {
        const missing = a === undefined ? left : b === undefined ? right : left + right;
        throw new TokenizerError(
          'TOKENIZER_INVALID_MERGES',
          `Merge #${rank + 1} ("${left} ${right}") uses or makes ${JSON.stringify(missing)}, which is not in the vocabulary. ` +
            'The merges and the vocabulary must come from the same tokenizer.',
          { details: { rank, merge: [left, right], missing } },
        );
      }
      let slot = this.#hash(a, b);
      while (this.#keyA[slot] !== -1 && !(this.#keyA[slot] === a && this.#keyB[slot] === b)) slot = (slot + 1) & this.#mask;
      if (this.#keyA[slot] === -1) count++;
      this.#keyA[slot] = a;
      this.#keyB[slot] = b;
      this.#rank[slot] = rank;
      this.#merged[slot] = merged;
    });
    this.mergeCount = count;
  }

  #hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x632be5ab, 0x85ebca6b)) & this.#mask;
  }

  /** Slot of the merge (a, b), or -1. */
  #find(a: number, b: number): number {
    const keyA = this.#keyA;
    let slot = this.#hash(a, b);
    for (;;) {
      const k = keyA[slot]!;
      if (k === -1) return -1;
      if (k === a && this.#keyB[slot] === b) return slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  /**
   * Token ids of one word: its UTF-8 bytes as byte symbols, `</w>` on the last
   * one, then merged.
   *
   * @param word - a non-empty pre-tokenized word (raw text, not byte-mapped)
   * @param threshold - words with more symbols use the O(n log n) heap loop (tests lower it)
   */
  encodeWord(word: string, threshold = HEAP_THRESHOLD): number[] {
    const bytes = this.#bytes;
    bytes.length = 0;
    pushUtf8(word, bytes);
    const n = bytes.length;
    const symbols = new Array<number>(n);
    for (let i = 0; i < n - 1; i++) symbols[i] = this.#byteIds[bytes[i]!]!;
    if (n > 0) symbols[n - 1] = this.#byteEndIds[bytes[n - 1]!]!;
    return n > threshold ? this.#mergeHeap(symbols) : this.#mergeScan(symbols);
  }

  /** Quadratic loop with cached pair ranks: fastest for the short words of prompts. */
  #mergeScan(symbols: number[]): number[] {
    const ranks: number[] = [];
    const merged: number[] = [];
    const fill = (i: number): void => {
      const slot = this.#find(symbols[i]!, symbols[i + 1]!);
      ranks[i] = slot < 0 ? NO_RANK : this.#rank[slot]!;
      merged[i] = slot < 0 ? -1 : this.#merged[slot]!;
    };
    for (let i = 0; i < symbols.length - 1; i++) fill(i);
    for (;;) {
      let best = -1;
      let bestRank = NO_RANK;
      for (let i = 0; i < ranks.length; i++) {
        if (ranks[i]! < bestRank) {
          bestRank = ranks[i]!;
          best = i;
        }
      }
      if (best < 0) return symbols;
      symbols[best] = merged[best]!;
      symbols.splice(best + 1, 1);
      ranks.splice(best, 1);
      merged.splice(best, 1);
      if (best > 0) fill(best - 1);
      if (best < symbols.length - 1) fill(best);
    }
  }

  /** HuggingFace's priority-queue loop: O(n log n) for pathological long words. */
  #mergeHeap(symbols: number[]): number[] {
    const n = symbols.length;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // Binary min-heap of (rank, pos, merged id), ordered by rank then pos.
    const hRank: number[] = [];
    const hPos: number[] = [];
    const hNew: number[] = [];
    const less = (i: number, j: number): boolean => hRank[i]! < hRank[j]! || (hRank[i] === hRank[j] && hPos[i]! < hPos[j]!);
    const swap = (i: number, j: number): void => {
      [hRank[i], hRank[j]] = [hRank[j]!, hRank[i]!];
      [hPos[i], hPos[j]] = [hPos[j]!, hPos[i]!];
      [hNew[i], hNew[j]] = [hNew[j]!, hNew[i]!];
    };
    const push = (pos: number, right: number): void => {
      const slot = this.#find(symbols[pos]!, symbols[right]!);
      if (slot < 0) return;
      let i = hRank.length;
      hRank.push(this.#rank[slot]!);
      hPos.push(pos);
      hNew.push(this.#merged[slot]!);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    };
    const pop = (): void => {
      const last = hRank.length - 1;
      swap(0, last);
      hRank.pop();
      hPos.pop();
      hNew.pop();
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < hRank.length && less(l, m)) m = l;
        if (r < hRank.length && less(r, m)) m = r;
        if (m === i) return;
        swap(i, m);
        i = m;
      }
    };
    for (let i = 0; i < n - 1; i++) push(i, i + 1);
    while (hRank.length > 0) {
      const rank = hRank[0]!;
      const pos = hPos[0]!;
      const mergedId = hNew[0]!;
      pop();
      const right = next[pos]!;
      if (!alive[pos] || right < 0) continue;
      const slot = this.#find(symbols[pos]!, symbols[right]!);
      if (slot < 0 || this.#rank[slot] !== rank || this.#merged[slot] !== mergedId) continue;
      symbols[pos] = mergedId;
      alive[right] = 0;
      const after = next[right]!;
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      if (prev[pos]! >= 0) push(prev[pos]!, pos);
      if (after >= 0) push(pos, after);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]!) out.push(symbols[i]!);
    return out;
  }
}
