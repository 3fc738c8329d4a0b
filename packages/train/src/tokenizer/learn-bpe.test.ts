import { CLIPTokenizer, loadTokenizer, memoryFileSet } from '@clipseg/core';
import { decodeUtf8 } from '@clipseg/core/utf8';
import { describe, expect, it } from 'vitest';
import { TrainDataError } from '../data/train-data-error.js';
import { promptGrammarWords } from '../synthetic/scene-vocabulary.js';
import { syntheticPromptCorpus } from '../synthetic/synthetic-dataset.js';
import { BASE_VOCAB_SIZE, BOS_TOKEN, EOS_TOKEN, clipWordSymbols, encodeWithMerges, learnBpe } from './learn-bpe.js';
import { learnedTokenizerFiles } from './tokenizer-files.js';

const corpus = syntheticPromptCorpus(1, 1500);
// The grammar has few distinct words: learning stops once every word is one token, well below 1024.
const learned = learnBpe(corpus, { vocabSize: 1024 });
const size = Object.keys(learned.vocab).length;

describe('learnBpe', () => {
  it('writes a CLIP vocabulary: byte symbols, the same with </w>, one token per merge, specials last', () => {
    const entries = Object.entries(learned.vocab).sort((a, b) => a[1] - b[1]);
    expect(entries.map(([, id]) => id)).toEqual(entries.map((_, i) => i));
    expect(size).toBeGreaterThan(600);
    expect(size).toBeLessThan(1024);
    expect(learned.merges.length).toBe(size - BASE_VOCAB_SIZE);
    // CLIP's numbering: '!' (0x21) first, byte 0x00 → 'Ā' at 188, the </w> copies from 256.
    expect(learned.vocab['!']).toBe(0);
    expect(learned.vocab['~']).toBe(93);
    expect(learned.vocab['\u0100']).toBe(188);
    expect(learned.vocab['\u0120']).toBe(188 + 32);
    expect(learned.vocab['!</w>']).toBe(256);
    expect(learned.vocab[BOS_TOKEN]).toBe(size - 2);
    expect(learned.vocab[EOS_TOKEN]).toBe(size - 1);
    learned.merges.forEach((merge, rank) => {
      const [left, right] = merge.split(' ');
      expect(learned.vocab[left! + right!]).toBe(512 + rank);
    });
  });

  it("loads into core's CLIP tokenizer, which encodes every grammar prompt as the merges applied directly", async () => {
    const files = learnedTokenizerFiles(learned);
    expect(decodeUtf8(files['merges.txt']!).split('\n')[0]).toBe('#version: 0.2');
    const fromPair = CLIPTokenizer.fromVocabAndMerges(decodeUtf8(files['vocab.json']!), decodeUtf8(files['merges.txt']!));
    const loaded = await loadTokenizer(memoryFileSet(files));
    expect(loaded.vocabSize).toBe(size);
    expect(loaded.modelMaxLength).toBe(77);
    for (const text of syntheticPromptCorpus(3, 100)) expect(loaded.decode(loaded.encode(text), { skipSpecialTokens: true })).toBe(text);
    const fresh = [...syntheticPromptCorpus(2, 1000), ...promptGrammarWords(), 'The Small  BLUE square, on the LEFT!', 'a red ball 42'];
    for (const text of fresh) {
      const direct = encodeWithMerges(learned, text);
      const expected = [size - 2, ...direct, size - 1];
      expect(fromPair.encode(text), text).toEqual(expected);
      expect(loaded.encode(text), text).toEqual(expected);
    }
  });

  it('makes every word of the grammar one token', () => {
    const tokenizer = CLIPTokenizer.fromVocabAndMerges(learned.vocab, `#version: 0.2\n${learned.merges.join('\n')}\n`);
    for (const word of promptGrammarWords()) expect(tokenizer.tokenize(word), word).toEqual([`${word}</w>`]);
    expect(tokenizer.tokenize('the small blue square on the left')).toEqual(['the</w>', 'small</w>', 'blue</w>', 'square</w>', 'on</w>', 'the</w>', 'left</w>']);
  });

  it('is deterministic and independent of the corpus order', () => {
    expect(learnBpe(corpus, { vocabSize: 1024 })).toEqual(learned);
    expect(learnBpe([...corpus].reverse(), { vocabSize: 1024 })).toEqual(learned);
    expect(learnBpe(corpus, { vocabSize: 600 }).merges).toEqual(learned.merges.slice(0, 600 - BASE_VOCAB_SIZE));
  });

  it('breaks ties by the left symbol, then the right one', () => {
    const tie = learnBpe(['cd', 'ab', 'ab', 'cd'], { vocabSize: 520 });
    expect(tie.merges).toEqual(['a b</w>', 'c d</w>']);
    expect(Object.keys(tie.vocab)).toHaveLength(BASE_VOCAB_SIZE + 2);
    expect(learnBpe(['ac', 'ab'], { vocabSize: 515, minFrequency: 1 }).merges).toEqual(['a b</w>']);
    expect(learnBpe(['ab', 'ba'], { vocabSize: 515, minFrequency: 1 }).merges).toEqual(['a b</w>']);
  });

  it('gives merges that each make a new token and that core applies as learned, on random corpora', () => {
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const randomText = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => Array.from({ length: 1 + Math.floor(random() * 7) }, () => 'ab'[Math.floor(random() * 2)]).join('')).join(' ');
    for (let trial = 0; trial < 40; trial++) {
      const texts = Array.from({ length: 30 }, randomText);
      const bpe = learnBpe(texts, { vocabSize: 514 + 1 + Math.floor(random() * 40), minFrequency: 1 });
      const made = bpe.merges.map((m) => m.replace(' ', ''));
      expect(new Set(made).size).toBe(made.length);
      if (bpe.merges.length === 0) continue;
      const tokenizer = CLIPTokenizer.fromVocabAndMerges(bpe.vocab, `#version: 0.2\n${bpe.merges.join('\n')}\n`);
      for (const text of [...texts, ...Array.from({ length: 30 }, randomText)]) expect(tokenizer.encode(text, { addSpecialTokens: false }), text).toEqual(encodeWithMerges(bpe, text));
    }
  });

  it('stops at minFrequency and takes vocabSize 514 as no merges', () => {
    expect(learnBpe(corpus, { vocabSize: BASE_VOCAB_SIZE }).merges).toEqual([]);
    const few = learnBpe(['abc'], { vocabSize: 1000 });
    expect(few.merges).toEqual([]);
    expect(Object.keys(few.vocab)).toHaveLength(BASE_VOCAB_SIZE);
  });

  it('pre-tokenises as CLIP: lower case, CLIP words, byte symbols, </w> last', () => {
    expect(clipWordSymbols("It's  a Café!")).toEqual([['i', 't</w>'], ["'", 's</w>'], ['a</w>'], ['c', 'a', 'f', 'Ã', '©</w>'], ['!</w>']]);
  });

  it('rejects bad options and corpus items', () => {
    expect(() => learnBpe(corpus, { vocabSize: 513 })).toThrow(TrainDataError);
    expect(() => learnBpe(corpus, { vocabSize: 600, minFrequency: 0 })).toThrow(/minFrequency/);
    expect(() => learnBpe([1 as unknown as string], { vocabSize: 600 })).toThrow(/corpus item 0/);
  });
});
