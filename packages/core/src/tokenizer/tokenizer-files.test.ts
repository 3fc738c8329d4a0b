import { describe, expect, it } from 'vitest';
import { clipTokenizerJson, mergeLines, tinyVocab } from '../../test/fixtures/tokenizer/tiny-vocab.js';
import { CLIPSegError } from '../errors.js';
import { CLIPTokenizer } from './clip-tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerErrorCode } from './tokenizer-error.js';
import { OPENAI_MERGE_COUNT, parseMergesText, parseOpenAIBpeText, parseTokenizerJson, parseVocab } from './tokenizer-files.js';

const { vocab, merges } = tinyVocab();
const lines = mergeLines(merges);

function expectCode(fn: () => unknown, code: TokenizerErrorCode, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TokenizerError);
  expect(caught).toBeInstanceOf(CLIPSegError);
  expect((caught as TokenizerError).code).toBe(code);
  expect((caught as TokenizerError).name).toBe('TokenizerError');
  if (message) expect((caught as Error).message).toMatch(message);
}

describe('vocab.json', () => {
  it('accepts text or an object', () => {
    expect(parseVocab(JSON.stringify(vocab))).toEqual(parseVocab(vocab));
    expect(parseVocab(vocab).get('<|endoftext|>')).toBe(vocab['<|endoftext|>']);
  });

  it.each([
    ['not JSON', '{"a": 1', /not valid JSON/],
    ['an array', '[1, 2]', /got an array/],
    ['null', 'null', /got null/],
    ['a number', '42', /got number/],
    ['a string id', '{"a": "1"}', /integers from 0 to/],
    ['a negative id', '{"a": -1}', /integers from 0 to/],
    ['a fractional id', '{"a": 1.5}', /integers from 0 to/],
    ['a shared id', '{"a": 1, "b": 1}', /share id 1/],
    ['nothing', '{}', /empty/],
  ])('rejects %s', (_what, text, message) => {
    expectCode(() => parseVocab(text), 'TOKENIZER_INVALID_VOCAB', message);
  });

  it('rejects a vocabulary without the byte symbols', () => {
    expectCode(() => CLIPTokenizer.fromVocabAndMerges({ a: 0, '<|startoftext|>': 1, '<|endoftext|>': 2 }, 'a a'), 'TOKENIZER_INVALID_VOCAB', /byte-level symbol/);
  });

  it('rejects a vocabulary without begin / end-of-text', () => {
    const withoutEos = { ...vocab };
    delete withoutEos['<|endoftext|>'];
    expectCode(() => CLIPTokenizer.fromVocabAndMerges(withoutEos, merges), 'TOKENIZER_MISSING_SPECIAL_TOKEN', /eosToken option/);
  });
});

describe('merges.txt', () => {
  it('skips the #version line, blank lines and CRs', () => {
    expect(parseMergesText('#version: 0.2\r\nc a\r\n\nca t</w>\n')).toEqual([
      ['c', 'a'],
      ['ca', 't</w>'],
    ]);
  });

  it.each([
    ['one token', 'c a\nca\n', /line 2/],
    ['three tokens', 'c a b\n', /line 1/],
    ['a double space', 'c  a\n', /line 1/],
    ['nothing', '#version: 0.2\n', /no merges/],
  ])('rejects %s', (_what, text, message) => {
    expectCode(() => parseMergesText(text), 'TOKENIZER_INVALID_MERGES', message);
  });

  it('rejects a non-string', () => {
    expectCode(() => parseMergesText(42 as unknown as string), 'TOKENIZER_INVALID_MERGES');
  });

  it('rejects merges whose parts or result are not in the vocabulary', () => {
    expectCode(() => CLIPTokenizer.fromVocabAndMerges(vocab, 'c a\nq z\n'), 'TOKENIZER_INVALID_MERGES', /Merge #2 \("q z"\) uses or makes "qz"/);
    expectCode(() => CLIPTokenizer.fromVocabAndMerges(vocab, 'c ☃\n'), 'TOKENIZER_INVALID_MERGES', /"☃"/);
  });
});

describe('tokenizer.json', () => {
  const good = clipTokenizerJson(vocab, lines);
  const withModel = (model: Record<string, unknown>): Record<string, unknown> => ({ ...good, model: { ...(good.model as object), ...model } });

  it('reads vocab, merges in both forms, added tokens and the post-processor', () => {
    const parsed = parseTokenizerJson(JSON.stringify(good));
    expect(parsed.merges).toEqual(parseTokenizerJson(clipTokenizerJson(vocab, lines, { pairs: true })).merges);
    expect(parsed.merges[0]).toEqual(['c', 'a']);
    expect(parsed.addedTokens.map((t) => [t.content, t.normalized])).toEqual([
      ['<|startoftext|>', true],
      ['<|endoftext|>', false],
    ]);
    expect([parsed.bosToken, parsed.eosToken]).toEqual(['<|startoftext|>', '<|endoftext|>']);
    const sequence = parseTokenizerJson({ ...good, post_processor: { type: 'Sequence', processors: [{ type: 'ByteLevel' }, good.post_processor] } });
    expect(sequence.eosToken).toBe('<|endoftext|>');
    const none = parseTokenizerJson({ ...good, post_processor: null });
    expect(none.bosToken).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', 'TOKENIZER_INVALID_JSON', /not valid JSON/],
    ['no model', {}, 'TOKENIZER_INVALID_JSON', /no "model"/],
    ['a WordPiece model', withModel({ type: 'WordPiece' }), 'TOKENIZER_UNSUPPORTED', /"WordPiece"/],
    ['another end-of-word suffix', withModel({ end_of_word_suffix: '@@' }), 'TOKENIZER_UNSUPPORTED', /"@@"/],
    ['an array vocab', withModel({ vocab: [] }), 'TOKENIZER_INVALID_VOCAB', /model.vocab/],
    ['a bad vocab id', withModel({ vocab: { a: 'x' } }), 'TOKENIZER_INVALID_VOCAB', /tokenizer.json model.vocab/],
    ['merges that are not an array', withModel({ merges: 'c a' }), 'TOKENIZER_INVALID_MERGES', /must be an array/],
    ['a one-token merge', withModel({ merges: ['c a', 'ca'] }), 'TOKENIZER_INVALID_MERGES', /merges\[1\]/],
    ['a three-item pair', withModel({ merges: [['c', 'a', 't']] }), 'TOKENIZER_INVALID_MERGES', /merges\[0\]/],
    ['a non-string pair', withModel({ merges: [['c', 1]] }), 'TOKENIZER_INVALID_MERGES', /merges\[0\]/],
    ['added_tokens not an array', { ...good, added_tokens: {} }, 'TOKENIZER_INVALID_JSON', /added_tokens must be an array/],
    ['an added token without id', { ...good, added_tokens: [{ content: 'x' }] }, 'TOKENIZER_INVALID_JSON', /added_tokens\[0\]/],
  ] as const)('rejects %s', (_what, json, code, message) => {
    expectCode(() => CLIPTokenizer.fromTokenizerJson(json), code, message);
  });

  it('takes specials from added_tokens even when model.vocab lacks them', () => {
    const bare = { ...vocab };
    delete bare['<|startoftext|>'];
    delete bare['<|endoftext|>'];
    const tokenizer = CLIPTokenizer.fromTokenizerJson({ ...good, model: { ...(good.model as object), vocab: bare } });
    expect(tokenizer.encode('cat <|endoftext|>')).toEqual([vocab['<|startoftext|>'], vocab['cat</w>'], vocab['<|endoftext|>'], vocab['<|endoftext|>']]);
    expect(tokenizer.decode(tokenizer.encode('cat'))).toBe('<|startoftext|>cat <|endoftext|>');
  });
});

describe("OpenAI's bpe_simple_vocab_16e6.txt", () => {
  it('rejects a truncated file', () => {
    expectCode(() => parseOpenAIBpeText('header\na b\n'), 'TOKENIZER_INVALID_BPE_FILE', /Is it truncated/);
  });

  it('rejects a malformed merge line', () => {
    const text = ['header', 'a', ...new Array<string>(OPENAI_MERGE_COUNT).fill('a b')].join('\n');
    expectCode(() => parseOpenAIBpeText(text), 'TOKENIZER_INVALID_BPE_FILE', /Line 2/);
  });

  it('rejects a corrupt gzip file and a wrong type', async () => {
    await expect(CLIPTokenizer.fromOpenAIBpe(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]))).rejects.toMatchObject({ code: 'TOKENIZER_INVALID_BPE_FILE' });
    await expect(CLIPTokenizer.fromOpenAIBpe(42 as unknown as string)).rejects.toMatchObject({ code: 'TOKENIZER_INVALID_BPE_FILE' });
  });
});

describe('hostile tokenizer files (found by the fuzz harness)', () => {
  const deep = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('describes a deeply nested id, merge, model type or suffix without overflowing the stack', () => {
    expectCode(() => parseVocab({ a: deep(20_000) }), 'TOKENIZER_INVALID_VOCAB', /an array of length 1/);
    const json = clipTokenizerJson(vocab, lines) as unknown as { model: Record<string, unknown> };
    expectCode(() => parseTokenizerJson({ ...json, model: { ...json.model, merges: [deep(20_000)] } }), 'TOKENIZER_INVALID_MERGES');
    expectCode(() => parseTokenizerJson({ ...json, model: { ...json.model, type: deep(20_000) } }), 'TOKENIZER_UNSUPPORTED');
    expectCode(() => parseTokenizerJson({ ...json, model: { ...json.model, end_of_word_suffix: deep(20_000) } }), 'TOKENIZER_UNSUPPORTED');
  });

  it('refuses post-processors nested without end instead of recursing through them', () => {
    const json = clipTokenizerJson(vocab, lines) as unknown as Record<string, unknown>;
    let processor: unknown = { type: 'TemplateProcessing', single: [] };
    for (let i = 0; i < 20_000; i++) processor = { type: 'Sequence', processors: [processor] };
    expectCode(() => parseTokenizerJson({ ...json, post_processor: processor }), 'TOKENIZER_UNSUPPORTED', /nests Sequence/);
  });

  it('refuses ids the tokenizer cannot hold instead of letting them wrap', () => {
    for (const id of [2 ** 31 - 1, 2 ** 32 - 1, 2 ** 32 + 5]) {
      expectCode(() => parseVocab({ ...vocab, 'h</w>': id }), 'TOKENIZER_INVALID_VOCAB', /from 0 to 2147483646/);
    }
  });
});
