import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWithShared } from '../testing/shared-dir.js';
import { clipTokenizerJson, mergeLines, tinyVocab } from '../../test/fixtures/tokenizer/tiny-vocab.js';
import { CLIPTokenizer } from './clip-tokenizer.js';
import { isPythonSpace, pythonStrip } from './text-cleanup.js';
import type { TextCleanup } from './text-cleanup.js';
import { MAX_UNBROKEN_TEXT, PIECE_LENGTH, textPieces } from './text-pieces.js';

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WHITE = [' ', '\t', '\n', '\r', '\v', '\f', '\x85', '\xa0', '\u1680', '\u2000', '\u2001', '\u2028', '\u3000'];
const SEPARATORS = ['\x1c', '\x1d', '\x1e', '\x1f'];
/** Pieces that stress each clean-up step at a cut: NFC, final sigma, entities, specials, separators, surrogates. */
const BITS = [
  'a', 'cat', 'Dog', "'s", "'LL", 'hello', 'aaaa', '42', '!', '?!', '...', 'Σ', 'ΟΔΟΣ', 'İ', 'ſ', '\u0345', '\u0301', 'e\u0301', 'ﬁ',
  '\u1100\u1161', '中文', '😀', '\ud800', '&amp;', '&amp', '&#32;', '&#x1c;', '&nbsp;', '&lt;|endoftext|&gt;', '&amp\u00a0x', '&ampx',
  '<|endoftext|>', '<|startoftext|>', '<|ENDOFTEXT|>', '<|', '|>',
];

/** A long random text: words and bits, white space of every kind (runs of up to 9000), separators, long words. */
function randomText(rand: () => number, length: number): string {
  const parts: string[] = [];
  let size = 0;
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  while (size < length) {
    const r = rand();
    let part: string;
    if (r < 0.5) part = pick(BITS);
    else if (r < 0.8) part = pick(WHITE);
    else if (r < 0.87) part = pick(SEPARATORS) + (rand() < 0.5 ? pick(WHITE) : '');
    else if (r < 0.93) part = pick(WHITE).repeat(1 + Math.floor(rand() * (rand() < 0.3 ? 9000 : 40)));
    else if (r < 0.97) part = pick(['ab', 'xyz', 'Σa', 'é']).repeat(1 + Math.floor(rand() * 3000)); // long single words
    else part = (pick(SEPARATORS) + pick(WHITE)).repeat(1 + Math.floor(rand() * 200));
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

const NEVER = '<|never seen|>';

/**
 * The same tokenizer twice: as loaded, and with one more added token that contains white space and appears in no
 * test text. Its only effect is to make the tokenizer read every text whole, as before pieces existed: the
 * reference the piecewise reading must equal.
 */
function pair(vocab: Record<string, number>, merges: string[], cleanup: TextCleanup): { pieces: CLIPTokenizer; whole: CLIPTokenizer } {
  const json = clipTokenizerJson(vocab, merges);
  const id = Math.max(...Object.values(vocab)) + 1;
  const withNever = { ...json, added_tokens: [...(json.added_tokens as object[]), { id, content: NEVER, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }] };
  return { pieces: CLIPTokenizer.fromTokenizerJson(json, { cleanup }), whole: CLIPTokenizer.fromTokenizerJson(withNever, { cleanup }) };
}

function expectSameIds(tokenizers: { pieces: CLIPTokenizer; whole: CLIPTokenizer }, seed: number, count: number): void {
  const rand = random(seed);
  for (let n = 0; n < count; n++) {
    const text = randomText(rand, PIECE_LENGTH * (1 + Math.floor(rand() * 8)));
    const reference = tokenizers.whole.encode(text);
    expect(tokenizers.pieces.encode(text), `text #${n} (seed ${seed})`).toEqual(reference);
    for (const maxLength of [2, 77, 200, 2 + Math.floor(rand() * 3000)]) {
      const truncated = reference.length > maxLength ? [...reference.slice(0, maxLength - 1), reference.at(-1)!] : reference;
      expect(tokenizers.pieces.encode(text, { truncation: true, maxLength }), `text #${n}, maxLength ${maxLength}`).toEqual(truncated);
    }
    const bare = tokenizers.whole.encode(text, { addSpecialTokens: false });
    expect(tokenizers.pieces.encode(text, { addSpecialTokens: false, truncation: true, maxLength: 77 })).toEqual(bare.slice(0, 77));
  }
}

describe('reading text piece by piece (issue 14)', () => {
  it('cuts only after Unicode White_Space characters (every BMP code point checked)', () => {
    const head = 'a'.repeat(PIECE_LENGTH - 1);
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      const [first] = textPieces(`${head}${ch}bbbbbbbbbb`);
      expect(first![1] === PIECE_LENGTH, `U+${cp.toString(16)}`).toBe(/\p{White_Space}/u.test(ch));
    }
  });

  it('isPythonSpace is exactly the set Python strip() removes', () => {
    for (let cp = 0; cp <= 0xffff; cp++) expect(isPythonSpace(cp), `U+${cp.toString(16)}`).toBe(pythonStrip(String.fromCharCode(cp)) === '');
  });

  it.each(['fast', 'openai'] as const)('gives the ids of the whole text, truncated or not, on long random texts (tiny vocabulary, %s clean-up)', (cleanup) => {
    const { vocab, merges } = tinyVocab();
    expectSameIds(pair(vocab, mergeLines(merges), cleanup), cleanup === 'fast' ? 1 : 2, 60);
  }, 120_000);

  itWithShared('gives the ids of the whole text on long random texts (CLIP vocabulary, both clean-ups)', (shared) => {
    const vocab = JSON.parse(readFileSync(join(shared, 'clip-bpe/vocab.json'), 'utf8')) as Record<string, number>;
    const merges = mergeLines(readFileSync(join(shared, 'clip-bpe/merges.txt'), 'utf8'));
    expectSameIds(pair(vocab, merges, 'fast'), 3, 25);
    expectSameIds(pair(vocab, merges, 'openai'), 4, 25);
  }, 120_000);

  it('keeps a separator run before trailing white space, or strips it, as the whole text does (openai)', () => {
    const { vocab, merges } = tinyVocab();
    const tokenizers = pair(vocab, mergeLines(merges), 'openai');
    const pad = ' '.repeat(PIECE_LENGTH);
    for (const text of [`a!\x1c${pad}`, `a!\x1c${pad}b`, `a!\x1c ${pad}&#32;${pad}`, `a!\x1c ${pad}&amp;`, `${pad}\x1c${pad}a`, `\x1c${pad}${pad}`]) {
      expect(tokenizers.pieces.encode(text), JSON.stringify(text.slice(0, 8))).toEqual(tokenizers.whole.encode(text));
    }
  });
});

describe('bounded tokenizer work (issue 14)', () => {
  const { vocab, merges } = tinyVocab();
  const tokenizer = CLIPTokenizer.fromVocabAndMerges(vocab, merges);

  it('stops reading once the truncated ids are decided: a truncating encode never reaches an unreadable tail', () => {
    const text = `${'a cat on a mat '.repeat(70_000)}${'x'.repeat(MAX_UNBROKEN_TEXT + PIECE_LENGTH)} end`;
    expect(tokenizer.encode(text, { truncation: true })).toHaveLength(77);
    expect(() => tokenizer.encode(text)).toThrow(expect.objectContaining({ code: 'TOKENIZER_INPUT_TOO_LONG' }));
  });

  it('refuses more than MAX_UNBROKEN_TEXT characters without white space where it must read them, with the position', () => {
    const text = `x${'y'.repeat(MAX_UNBROKEN_TEXT + PIECE_LENGTH)}`;
    expect(() => tokenizer.encode(text, { truncation: true })).toThrow(expect.objectContaining({ code: 'TOKENIZER_INPUT_TOO_LONG', details: expect.objectContaining({ at: PIECE_LENGTH - 1 }) }));
    const word = 'z'.repeat(MAX_UNBROKEN_TEXT);
    expect(tokenizer.encode(word, { truncation: true })).toHaveLength(77); // a long word within the bound is read whole
  });
});
