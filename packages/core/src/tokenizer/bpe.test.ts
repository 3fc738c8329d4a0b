import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { TINY_MERGES, tinyVocab } from '../../test/fixtures/tokenizer/tiny-vocab.js';
import { BytePairEncoder } from './bpe.js';

function tinyEncoder(): BytePairEncoder {
  const { vocab } = tinyVocab();
  return new BytePairEncoder(new Map(Object.entries(vocab)), TINY_MERGES);
}

let seed = 99;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}

describe('BytePairEncoder', () => {
  it('merges lowest rank first, leftmost on ties, with </w> on the last symbol', () => {
    const bpe = tinyEncoder();
    const tokens = (word: string): string[] => bpe.encodeWord(word).map((id) => bpe.idToToken[id]!);
    expect(tokens('cat')).toEqual(['cat</w>']);
    expect(tokens('cats')).toEqual(['ca', 't', 's</w>']);
    expect(tokens('hello')).toEqual(['hello</w>']);
    expect(tokens('aaaaa')).toEqual(['aa', 'aa', 'a</w>']); // every (a, a) before any (aa, a)
    expect(tokens('aaaa')).toEqual(['aaa', 'a</w>']);
    expect(tokens('é')).toEqual(['\u00c3', '\u00a9</w>']);
    expect(bpe.mergeCount).toBe(TINY_MERGES.length);
  });

  it('gives the same result from the scan and the heap loops', () => {
    const bpe = tinyEncoder();
    const alphabet = ['a', 'c', 't', 'd', 'o', 'g', 'h', 'e', 'l', 'n', 'é'];
    for (let n = 0; n < 2000; n++) {
      let word = '';
      const length = 1 + Math.floor(random() * 60);
      for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)];
      expect(bpe.encodeWord(word, 0)).toEqual(bpe.encodeWord(word, Number.POSITIVE_INFINITY));
    }
  });

  it('lets a repeated merge keep its last rank, as Python dicts and HF do', () => {
    const { vocab } = tinyVocab();
    const bpe = new BytePairEncoder(new Map(Object.entries(vocab)), [...TINY_MERGES, ['c', 'a']]);
    expect(bpe.mergeCount).toBe(TINY_MERGES.length);
    // ('c','a') now ranks after ('ca','t</w>') … but nothing else competes for "cat", so the result is unchanged.
    expect(bpe.encodeWord('cat').map((id) => bpe.idToToken[id])).toEqual(['cat</w>']);
  });

  const shared = sharedDir();
  describeWithShared('on the CLIP vocabulary', () => {
    it('gives the same result from the scan and the heap loops on long random words', () => {
      const vocab = new Map(Object.entries(JSON.parse(readFileSync(join(shared, 'clip-bpe/vocab.json'), 'utf8')) as Record<string, number>));
      const merges = readFileSync(join(shared, 'clip-bpe/merges.txt'), 'utf8')
        .split('\n')
        .slice(1)
        .filter((line) => line !== '')
        .map((line) => line.split(' ') as [string, string]);
      const bpe = new BytePairEncoder(vocab, merges);
      expect(bpe.mergeCount).toBe(48894);
      const alphabet = [...'abcdefghijklmnopqrstuvwxyz', 'é', 'ß', '日', '😀'];
      for (let n = 0; n < 300; n++) {
        let word = '';
        const length = 1 + Math.floor(random() * 400);
        for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)];
        expect(bpe.encodeWord(word, 0)).toEqual(bpe.encodeWord(word, Number.POSITIVE_INFINITY));
      }
    });
  });
});
