import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { byteTokens, clipTokenizerJson, mergeLines, tinyId, tinyVocab } from '../../test/fixtures/tokenizer/tiny-vocab.js';
import { isCLIPSegError } from '../errors.js';
import { batchEncodingToTensors } from './batch-encoding.js';
import { CLIPTokenizer } from './clip-tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

const { vocab, merges } = tinyVocab();
const BOS = tinyId('<|startoftext|>');
const EOS = tinyId('<|endoftext|>');
const CAT = tinyId('cat</w>');
const DOG = tinyId('dog</w>');
const HELLO = tinyId('hello</w>');

function tiny(options?: Parameters<typeof CLIPTokenizer.fromVocabAndMerges>[2]): CLIPTokenizer {
  return CLIPTokenizer.fromVocabAndMerges(vocab, merges, options);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenizerError);
    expect(isCLIPSegError(error)).toBe(true);
    return (error as TokenizerError).code;
  }
  return undefined;
}

describe('CLIPTokenizer on a tiny vocabulary', () => {
  it('exposes the special ids, sizes and options', () => {
    const tokenizer = tiny();
    expect(tokenizer.bosTokenId).toBe(BOS);
    expect(tokenizer.eosTokenId).toBe(EOS);
    expect(tokenizer.padTokenId).toBe(EOS);
    expect(tokenizer.modelMaxLength).toBe(77);
    expect(tokenizer.vocabSize).toBe(EOS + 1);
    expect(tokenizer.cleanup).toBe('fast');
    const custom = tiny({ padTokenId: 0, modelMaxLength: 16, cleanup: 'openai' });
    expect([custom.padTokenId, custom.modelMaxLength, custom.cleanup]).toEqual([0, 16, 'openai']);
  });

  it('looks single tokens up without clean-up or BPE', () => {
    const tokenizer = tiny();
    expect(tokenizer.tokenToId('!')).toBe(0);
    expect(tokenizer.tokenToId('!</w>')).toBe(256);
    expect(tokenizer.tokenToId('cat</w>')).toBe(CAT);
    expect(tokenizer.tokenToId('<|endoftext|>')).toBe(EOS);
    expect(tokenizer.tokenToId('cat')).toBeUndefined();
    expect(tokenizer.idToToken(CAT)).toBe('cat</w>');
    expect(tokenizer.idToToken(BOS)).toBe('<|startoftext|>');
    expect(tokenizer.idToToken(EOS + 1)).toBeUndefined();
  });

  it('lower-cases, splits words and applies merges', () => {
    const tokenizer = tiny();
    expect(tokenizer.encode('Cat  DOG\thello')).toEqual([BOS, CAT, DOG, HELLO, EOS]);
    expect(tokenizer.encode('cat', { addSpecialTokens: false })).toEqual([CAT]);
    expect(tokenizer.tokenize('HELLO, cat!')).toEqual(['hello</w>', ',</w>', 'cat</w>', '!</w>']);
    expect(tokenizer.tokenize('aaaa')).toEqual(['aaa', 'a</w>']);
    expect(tokenizer.encode('')).toEqual([BOS, EOS]);
    expect(tokenizer.tokenize(" it's ")).toEqual(['i', 't</w>', "'", 's</w>']);
  });

  it('gives the same ids with the cache disabled, tiny or default', () => {
    const texts = ['cat dog', 'hello hello cat', 'aaaa aaa aa a', 'dog cat hello'];
    const expected = texts.map((t) => tiny().encode(t));
    for (const cacheSize of [0, 1, 2]) {
      const tokenizer = tiny({ cacheSize });
      for (let round = 0; round < 3; round++) expect(texts.map((t) => tokenizer.encode(t))).toEqual(expected);
    }
  });

  it('splits special tokens out of the raw text first', () => {
    const tokenizer = tiny();
    expect(tokenizer.encode('cat<|endoftext|>dog')).toEqual([BOS, CAT, EOS, DOG, EOS]);
    expect(tokenizer.encode('<|startoftext|> cat', { addSpecialTokens: false })).toEqual([BOS, CAT]);
    expect(tokenizer.tokenize('cat <|endoftext|>')).toEqual(['cat</w>', '<|endoftext|>']);
    // Not an exact match in the raw text: ordinary BPE pieces.
    expect(tokenizer.encode('<|ENDOFTEXT|>', { addSpecialTokens: false })).not.toContain(EOS);
  });

  it("honours tokenizer.json's normalized flag (matched after lower-casing) and post-processor names", () => {
    const json = clipTokenizerJson(vocab, mergeLines(merges));
    const tokenizer = CLIPTokenizer.fromTokenizerJson(json);
    expect(tokenizer.encode('<|STARTOFTEXT|>cat', { addSpecialTokens: false })).toEqual([BOS, CAT]);
    expect(tokenizer.encode('<|ENDOFTEXT|>', { addSpecialTokens: false })).not.toContain(EOS);
    const template = {
      ...json,
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|startoftext|>', type_id: 0 } }],
      },
    };
    const swapped = CLIPTokenizer.fromTokenizerJson(template);
    expect([swapped.bosTokenId, swapped.eosTokenId]).toEqual([EOS, BOS]);
    const named = tiny({ bosToken: '<|endoftext|>', eosToken: '<|startoftext|>' });
    expect(named.encode('cat')).toEqual([EOS, CAT, BOS]);
  });

  it('truncates keeping the end-of-text id', () => {
    const tokenizer = tiny({ modelMaxLength: 4 });
    expect(tokenizer.encode('cat dog cat dog')).toEqual([BOS, CAT, DOG, CAT, DOG, EOS]);
    expect(tokenizer.encode('cat dog cat dog', { truncation: true })).toEqual([BOS, CAT, DOG, EOS]);
    expect(tokenizer.encode('cat dog cat dog', { truncation: true, maxLength: 3 })).toEqual([BOS, CAT, EOS]);
    expect(tokenizer.encode('cat dog cat dog', { truncation: true, addSpecialTokens: false, maxLength: 3 })).toEqual([CAT, DOG, CAT]);
    expect(tokenizer.encode('cat', { truncation: true })).toEqual([BOS, CAT, EOS]);
  });

  it('pads batches: longest, max_length, none, with masks', () => {
    const tokenizer = tiny({ modelMaxLength: 6 });
    const texts = ['cat', 'cat dog hello', 'cat dog cat dog cat dog'];
    expect(tokenizer.call(texts)).toEqual({
      inputIds: [
        [BOS, CAT, EOS],
        [BOS, CAT, DOG, HELLO, EOS],
        [BOS, CAT, DOG, CAT, DOG, EOS],
      ],
      attentionMask: [
        [1, 1, 1],
        [1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
      ],
    });
    expect(tokenizer.call(texts.slice(0, 2), { padding: 'longest' })).toEqual({
      inputIds: [
        [BOS, CAT, EOS, EOS, EOS],
        [BOS, CAT, DOG, HELLO, EOS],
      ],
      attentionMask: [
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1],
      ],
    });
    expect(tokenizer.call('cat', { padding: true })).toEqual(tokenizer.call('cat'));
    const maxLength = tokenizer.call(['cat'], { padding: 'max_length', maxLength: 5 });
    expect(maxLength.inputIds).toEqual([[BOS, CAT, EOS, EOS, EOS]]);
    expect(maxLength.attentionMask).toEqual([[1, 1, 1, 0, 0]]);
    const padded = tiny({ padTokenId: 0 }).call(['cat', 'cat dog'], { padding: 'longest' });
    expect(padded.inputIds[0]).toEqual([BOS, CAT, EOS, 0]);
    const long = tokenizer.call(['cat dog cat dog cat dog'], { truncation: false, padding: 'max_length' });
    expect(long.inputIds[0]).toHaveLength(8);
    expect(tokenizer.call([], { padding: 'longest' })).toEqual({ inputIds: [], attentionMask: [] });
  });

  it('converts a padded batch to int64 tensors and refuses ragged rows', () => {
    const tokenizer = tiny();
    const tensors = batchEncodingToTensors(tokenizer.call(['cat', 'cat dog'], { padding: 'longest' }));
    expect(tensors.input_ids.type).toBe('int64');
    expect(tensors.input_ids.dims).toEqual([2, 4]);
    expect(Array.from(tensors.input_ids.data)).toEqual([BOS, CAT, EOS, EOS, BOS, CAT, DOG, EOS].map(BigInt));
    expect(Array.from(tensors.attention_mask.data)).toEqual([1n, 1n, 1n, 0n, 1n, 1n, 1n, 1n]);
    expect(batchEncodingToTensors({ inputIds: [], attentionMask: [] }).input_ids.dims).toEqual([0, 0]);
    expect(codeOf(() => batchEncodingToTensors(tokenizer.call(['cat', 'cat dog'])))).toBe('TOKENIZER_INVALID_INPUT');
    expect(codeOf(() => batchEncodingToTensors({ inputIds: [[1]], attentionMask: [] }))).toBe('TOKENIZER_INVALID_INPUT');
  });

  it('decodes like HuggingFace: </w> → space, stripped, specials optional', () => {
    const tokenizer = tiny();
    const ids = tokenizer.encode('Hello, cat!');
    expect(tokenizer.decode(ids)).toBe('<|startoftext|>hello , cat ! <|endoftext|>');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('hello , cat !');
    expect(tokenizer.decode(tokenizer.encode('café 😀', { addSpecialTokens: false }))).toBe('café 😀');
    const [first] = tokenizer.encode('é', { addSpecialTokens: false }); // 2 bytes: C3 then A9</w>
    expect(tokenizer.decode([first!])).toBe('\ufffd');
    expect(codeOf(() => tokenizer.decode([999_999]))).toBe('TOKENIZER_INVALID_INPUT');
    expect(codeOf(() => tokenizer.decode('cat' as unknown as number[]))).toBe('TOKENIZER_INVALID_INPUT');
  });

  it("cleanup 'openai' unescapes HTML twice, strips, and finds specials after cleaning", () => {
    const tokenizer = tiny({ cleanup: 'openai' });
    expect(tokenizer.encode('cat &amp;amp; dog')).toEqual([BOS, CAT, tinyId('&</w>'), DOG, EOS]);
    expect(tokenizer.encode('&lt;|ENDOFTEXT|&gt;', { addSpecialTokens: false })).toEqual([EOS]);
    // Python's IGNORECASE lets 'ſ (long s, folds to s) match the 's contraction; the fast pattern has no case folding.
    expect(tokenizer.tokenize("IT'ſ")).toEqual(['i', 't</w>', "'", '\u00c5', '\u00bf</w>']);
    expect(tiny().tokenize("IT'ſ")).toEqual(['i', 't</w>', "'</w>", '\u00c5', '\u00bf</w>']);
    expect(tiny().encode('cat &amp; dog')).not.toEqual(tokenizer.encode('cat &amp; dog'));
  });

  it('rejects non-string input with a typed error', () => {
    const tokenizer = tiny();
    expect(codeOf(() => tokenizer.encode(42 as unknown as string))).toBe('TOKENIZER_INVALID_INPUT');
    expect(codeOf(() => tokenizer.encode(null as unknown as string))).toBe('TOKENIZER_INVALID_INPUT');
    expect(codeOf(() => tokenizer.call(['cat', 7] as unknown as string[]))).toBe('TOKENIZER_INVALID_INPUT');
    expect(codeOf(() => tokenizer.call(7 as unknown as string))).toBe('TOKENIZER_INVALID_INPUT');
    expect(codeOf(() => tokenizer.tokenize({} as unknown as string))).toBe('TOKENIZER_INVALID_INPUT');
  });

  it('rejects bad options with a typed error', () => {
    expect(codeOf(() => tiny({ cleanup: 'ftfy' as 'fast' }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny({ cacheSize: -1 }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny({ modelMaxLength: 1 }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny({ padTokenId: 1.5 }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny().call('cat', { padding: 'left' as 'longest' }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny().call('cat', { maxLength: 1 }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny().encode('cat', { truncation: true, maxLength: 0, addSpecialTokens: false }))).toBe('TOKENIZER_INVALID_OPTION');
    expect(codeOf(() => tiny({ bosToken: '<s>' }))).toBe('TOKENIZER_MISSING_SPECIAL_TOKEN');
  });

  it('loads a synthetic OpenAI BPE file from text, plain bytes and gzip', async () => {
    // 48894 merges of two byte symbols each: every part is in the vocabulary by construction.
    const singles = byteTokens().slice(0, 256);
    const lines = ['"synthetic#version: 0.2'];
    for (let i = 0; lines.length <= 48894; i++) lines.push(`${singles[Math.floor(i / 256)]!} ${singles[i % 256]!}`);
    lines.push('ignored after line 48894', '');
    const text = lines.join('\n');
    const fromText = await CLIPTokenizer.fromOpenAIBpe(text);
    expect(fromText.vocabSize).toBe(49408);
    expect([fromText.bosTokenId, fromText.eosTokenId]).toEqual([49406, 49407]);
    expect(fromText.tokenize('!!')).toEqual(['!', '!</w>']); // "!!" is merge #1, but the word ends in "!</w>"
    expect(fromText.tokenize('! !')).toEqual(['!</w>', '!</w>']);
    expect(fromText.encode('!!', { addSpecialTokens: false })).toEqual([0, 256]);
    const bytes = new TextEncoder().encode(text);
    expect((await CLIPTokenizer.fromOpenAIBpe(bytes)).encode('hello')).toEqual(fromText.encode('hello'));
    expect((await CLIPTokenizer.fromOpenAIBpe(new Uint8Array(gzipSync(bytes)))).encode('hello')).toEqual(fromText.encode('hello'));
  });
});
