import { CLIPTokenizer, loadTokenizer, memoryFileSet } from '@clipseg/core';
import { decodeUtf8 } from '@clipseg/core/utf8';
import { describe, expect, it } from 'vitest';
import { TrainDataError } from '../data/train-data-error.js';
import { learnBpe } from './learn-bpe.js';
import { learnedTokenizerFiles } from './tokenizer-files.js';

const learned = learnBpe(['a red ball', 'the red house', 'a blue ball', 'the house'], { vocabSize: 600 });

describe('learnedTokenizerFiles', () => {
  it("writes HF CLIPTokenizer's files, loadable both ways", async () => {
    const files = learnedTokenizerFiles(learned, { modelMaxLength: 16 });
    expect(Object.keys(files).sort()).toEqual(['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
    const config = JSON.parse(decodeUtf8(files['tokenizer_config.json']!)) as Record<string, unknown>;
    expect(config).toMatchObject({ model_max_length: 16, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', tokenizer_class: 'CLIPTokenizer' });
    expect(JSON.parse(decodeUtf8(files['special_tokens_map.json']!))).toMatchObject({ bos_token: '<|startoftext|>', eos_token: '<|endoftext|>' });
    expect(JSON.parse(decodeUtf8(files['vocab.json']!))).toEqual(learned.vocab);
    expect(decodeUtf8(files['merges.txt']!)).toBe(`#version: 0.2\n${learned.merges.join('\n')}\n`);
    const withJson = await loadTokenizer(memoryFileSet(files));
    const { 'tokenizer.json': _, ...pair } = files;
    const withPair = await loadTokenizer(memoryFileSet(pair));
    const fromJson = CLIPTokenizer.fromTokenizerJson(decodeUtf8(files['tokenizer.json']!));
    for (const text of ['a red ball', 'The House', 'a green car']) {
      expect(withJson.encode(text)).toEqual(withPair.encode(text));
      expect(fromJson.encode(text)).toEqual(withPair.encode(text));
    }
    expect(withPair.modelMaxLength).toBe(16);
    expect(withPair.tokenize('the red ball')).toEqual(['the</w>', 'red</w>', 'ball</w>']);
  });

  it('refuses a BPE without merges', () => {
    expect(() => learnedTokenizerFiles(learnBpe(['a'], { vocabSize: 600 }))).toThrow(TrainDataError);
    expect(() => learnedTokenizerFiles(learned, { modelMaxLength: 1 })).toThrow(/modelMaxLength/);
  });
});
