/**
 * Fuzzing the tokenizer files (see docs/fuzzing.md): `vocab.json`, `merges.txt`, `tokenizer.json` and
 * `tokenizer_config.json`, read directly and through `loadTokenizer`. Arbitrary and mutated files give a tokenizer
 * or a `TOKENIZER_*` error, quickly, and a tokenizer built from them encodes and decodes any text the same way;
 * the `tokenizer.json` of a vocabulary encodes exactly as its `vocab.json` + `merges.txt`.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, jsonText, mutatedBytes, mutatedJson, mutatedJsonText, typedOutcome, typedOutcomeAsync } from '../../../../fuzz/index.js';
import { clipTokenizerJson, mergeLines, tinyVocab } from '../../test/fixtures/tokenizer/tiny-vocab.js';
import { memoryFileSet } from '../loading/file-set.js';
import { loadTokenizer } from '../loading/load-tokenizer.js';
import { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { parseMergesText, parseTokenizerJson, parseVocab } from '../tokenizer/tokenizer-files.js';

const CODES = 'TOKENIZER_';
const tiny = tinyVocab();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const validVocab: fc.Arbitrary<unknown> = fc.constant(tiny.vocab);
const validMerges: fc.Arbitrary<string> = fc.constant(tiny.merges);
const validTokenizerJson: fc.Arbitrary<unknown> = fc.boolean().map((pairs) => clipTokenizerJson(tiny.vocab, mergeLines(tiny.merges), { pairs }));
const validTokenizerConfig: fc.Arbitrary<unknown> = fc.record({ model_max_length: fc.integer({ min: 2, max: 512 }), pad_token: fc.constantFrom('<|endoftext|>', '!', { content: '<|endoftext|>' }) });

const jsonish = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof(fc.jsonValue(), hostileJsonValue, mutatedJson(valid), mutatedJsonText(valid));
const mergesText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  mutatedBytes(validMerges.map((text) => encoder.encode(text))).map((bytes) => decoder.decode(bytes)),
);
const text = fc.string({ unit: 'grapheme', maxLength: 30 });


/** Encodes and decodes `input` with a tokenizer built from fuzzed files: ids in range, no other error. */
function exercise(tokenizer: CLIPTokenizer, input: string): void {
  const ids = typedOutcome(() => tokenizer.encode(input, { truncation: true }), CODES);
  if (!ids.ok) return;
  for (const id of ids.value) expect(Number.isSafeInteger(id) && id >= 0 && id < tokenizer.vocabSize).toBe(true);
  typedOutcome(() => tokenizer.decode(ids.value), CODES);
}

describe('tokenizer file fuzzing', () => {
  fuzzIt(
    'vocab.json and merges.txt: arbitrary and mutated files',
    250,
    fc.property(fc.oneof(jsonish(validVocab), jsonish(validVocab).map(jsonText)), mergesText, text, (vocab, merges, input) => {
      typedOutcome(() => parseVocab(vocab), CODES);
      typedOutcome(() => parseMergesText(merges), CODES);
      const built = typedOutcome(() => CLIPTokenizer.fromVocabAndMerges(vocab as string, merges, { cacheSize: 0 }), CODES);
      if (built.ok) exercise(built.value, input);
    })
  );

  fuzzIt(
    'tokenizer.json: arbitrary and mutated files',
    250,
    fc.property(fc.oneof(jsonish(validTokenizerJson), jsonish(validTokenizerJson).map(jsonText)), text, (json, input) => {
      typedOutcome(() => parseTokenizerJson(json), CODES);
      const built = typedOutcome(() => CLIPTokenizer.fromTokenizerJson(json as string, { cacheSize: 0 }), CODES);
      if (built.ok) exercise(built.value, input);
    })
  );

  fuzzIt(
    'loadTokenizer over a folder of arbitrary and mutated files',
    200,
    fc.asyncProperty(
      fc.record(
        {
          'tokenizer_config.json': jsonish(validTokenizerConfig).map(jsonText),
          'tokenizer.json': jsonish(validTokenizerJson).map(jsonText),
          'vocab.json': jsonish(validVocab).map(jsonText),
          'merges.txt': mergesText,
        },
        { requiredKeys: [] },
      ),
      text,
      async (files, input) => {
        const loaded = await typedOutcomeAsync(() => loadTokenizer(memoryFileSet(files)), CODES);
        if (loaded.ok) exercise(loaded.value, input);
      },
    )
  );

  fuzzIt(
    'tokenizer.json and vocab.json + merges.txt of one vocabulary encode any text alike',
    200,
    fc.property(text, fc.boolean(), (input, pairs) => {
      const fromFiles = CLIPTokenizer.fromVocabAndMerges(tiny.vocab, tiny.merges);
      const fromJson = CLIPTokenizer.fromTokenizerJson(clipTokenizerJson(tiny.vocab, mergeLines(tiny.merges), { pairs }));
      expect(fromJson.encode(input)).toEqual(fromFiles.encode(input));
    }),
  );
});
