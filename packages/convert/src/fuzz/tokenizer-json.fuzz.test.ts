/**
 * Fuzzing the `tokenizer.json` writer's inputs (see docs/fuzzing.md): `vocab.json`, `merges.txt`,
 * `special_tokens_map.json` and `tokenizer_config.json` of a checkpoint folder. Arbitrary and mutated files give a
 * `tokenizer.json` or a `TOKENIZER_*` error; what is written loads, and encodes any text exactly as the
 * vocabulary and merges it was written from.
 */
import fc from 'fast-check';
import { CLIPTokenizer, memoryFileSet } from '@clipseg/core';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, jsonText, mutatedBytes, mutatedJson, mutatedJsonText, typedOutcome, typedOutcomeAsync } from '../../../../fuzz/index.js';
import { clipTokenizerJson, tokenizerJsonFor } from '../tokenizer-json/clip-tokenizer-json.js';
import { tinyVocab } from '../../../core/test/fixtures/tokenizer/tiny-vocab.js';

const CODES = 'TOKENIZER_';
const tiny = tinyVocab();
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = fc.string({ unit: 'grapheme', maxLength: 30 });

/** The tiny CLIP vocabulary plus extra tokens, integer-like and prototype names among them. */
const vocab = fc
  .uniqueArray(fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.nat().map(String), fc.constantFrom('__proto__', 'constructor', 'toString')), { maxLength: 6 })
  .map((extra) => {
    const out: Record<string, number> = {};
    for (const [token, id] of Object.entries(tiny.vocab)) Object.defineProperty(out, token, { value: id, enumerable: true, writable: true, configurable: true });
    let next = tiny.tokens.length;
    for (const token of extra) if (!(Object.hasOwn(out, token))) Object.defineProperty(out, token, { value: next++, enumerable: true, writable: true, configurable: true });
    return out;
  });
const specials = fc.record({ bos_token: fc.constantFrom('<|startoftext|>', 'c', { content: '<|startoftext|>' }), eos_token: fc.constantFrom('<|endoftext|>', 'ca', '!'), unk_token: fc.string({ maxLength: 4 }), pad_token: fc.constantFrom('<|endoftext|>', '!') }, { requiredKeys: [] });

/**
 * `clipTokenizerJson`'s output must load, and encode `input` as the vocabulary and merges do. Text holding an added
 * token other than begin/end-of-text (a `pad_token` such as `!`) is left out: `tokenizer.json` splits it out as a
 * special token, which a tokenizer built from `vocab.json` + `merges.txt` has no way to know (see docs/fuzzing.md).
 */
function checkWritten(json: string, vocabText: string, merges: string, input: string): void {
  const fromJson = CLIPTokenizer.fromTokenizerJson(json);
  const added = ((JSON.parse(json) as { added_tokens: { content: string; id: number }[] }).added_tokens ?? []).filter((t) => t.id !== fromJson.bosTokenId && t.id !== fromJson.eosTokenId);
  if (added.some((t) => input.toLowerCase().includes(t.content))) return;
  const fromFiles = CLIPTokenizer.fromVocabAndMerges(vocabText, merges, { bosToken: fromJson.idToToken(fromJson.bosTokenId) ?? '', eosToken: fromJson.idToToken(fromJson.eosTokenId) ?? '' });
  expect(fromJson.encode(input)).toEqual(fromFiles.encode(input));
}

describe('tokenizer.json writer fuzzing', () => {
  fuzzIt(
    'vocab.json + merges.txt → tokenizer.json encodes alike',
    150,
    fc.property(vocab, text, (v, input) => {
      const vocabText = jsonText(v);
      checkWritten(clipTokenizerJson(vocabText, tiny.merges), vocabText, tiny.merges, input);
    }),
  );

  fuzzIt(
    'a folder of arbitrary and mutated tokenizer files',
    200,
    fc.asyncProperty(
      fc.record(
        {
          'vocab.json': fc.oneof(vocab.map(jsonText), mutatedJsonText(vocab), fc.oneof(fc.jsonValue(), hostileJsonValue).map(jsonText)),
          'merges.txt': fc.oneof(fc.constant(tiny.merges), mutatedBytes(fc.constant(encoder.encode(tiny.merges))).map((b) => decoder.decode(b))),
          'special_tokens_map.json': fc.oneof(specials, mutatedJson(specials), hostileJsonValue).map(jsonText),
          'tokenizer_config.json': fc.oneof(specials, mutatedJson(specials), hostileJsonValue).map(jsonText),
        },
        { requiredKeys: ['vocab.json', 'merges.txt'] },
      ),
      text,
      async (files, input) => {
        const written = await typedOutcomeAsync(() => tokenizerJsonFor(memoryFileSet(files)), CODES);
        if (!written.ok || written.value === undefined) return;
        const json = decoder.decode(written.value);
        const loaded = typedOutcome(() => CLIPTokenizer.fromTokenizerJson(json), CODES);
        expect(loaded.ok).toBe(true);
        checkWritten(json, files['vocab.json'], files['merges.txt'], input);
      },
    )
  );
});
