import { describe, expect, it } from 'vitest';
import { cleanOpenAI, literalAlternation, normalizeFast, openAIWordPattern, pythonStrip, splitWordsFast, splitWordsOpenAI } from './text-cleanup.js';

describe('fast normalization and split', () => {
  it('applies NFC, collapses Unicode White_Space and lower-cases code point by code point', () => {
    expect(normalizeFast('Cafe\u0301')).toBe('caf\u00e9');
    expect(normalizeFast('a\u00a0\u3000\u2028\x85b')).toBe('a b');
    expect(normalizeFast('a\ufeffb\u200bc')).toBe('a\ufeffb\u200bc'); // not White_Space
    expect(normalizeFast('ΟΔΟΣ')).toBe('οδοσ'); // no final-sigma rule, as HF tokenizers
    expect(normalizeFast('İ')).toBe('i\u0307');
  });

  it("splits with CLIP's pattern and drops white space only", () => {
    expect(splitWordsFast("it's 12 cats!! ok")).toEqual(['it', "'s", '1', '2', 'cats', '!!', 'ok']);
    expect(splitWordsFast('a\ufeffb')).toEqual(['a', '\ufeff', 'b']);
    expect(splitWordsFast("'ſ")).toEqual(["'", 'ſ']);
    expect(splitWordsFast('   ')).toEqual([]);
  });
});

describe('OpenAI clean-up', () => {
  it("strips Python's str.isspace() set, which includes U+001C … U+001F", () => {
    expect(pythonStrip('\x1c\x1f a b \x85\u3000')).toBe('a b');
    expect(pythonStrip('\ufeffa')).toBe('\ufeffa');
  });

  it('unescapes twice, strips, collapses and lower-cases', () => {
    expect(cleanOpenAI('  Fish &amp;amp; CHIPS\t\n')).toBe('fish & chips');
    expect(cleanOpenAI('&#x20;x&nbsp;&nbsp;y')).toBe('x y');
    expect(cleanOpenAI('ΟΔΟΣ')).toBe('οδος'); // Python's str.lower() has the final-sigma rule
  });

  it('matches the specials, case-insensitive contractions, and drops U+0345 as Python regex does', () => {
    const pattern = openAIWordPattern(['<|startoftext|>', '<|endoftext|>']);
    expect(splitWordsOpenAI("<|endoftext|>it'ſ", pattern)).toEqual(['<|endoftext|>', 'it', "'ſ"]);
    expect(splitWordsOpenAI('a\u0345b', pattern)).toEqual(['a', 'b']);
  });

  it('builds literal alternations longest first, or none', () => {
    expect(literalAlternation([])).toBeUndefined();
    expect('x<|a|>|<|ab|>'.match(literalAlternation(['<|a|>', '<|ab|>'])!)).toEqual(['<|a|>', '<|ab|>']);
  });
});
