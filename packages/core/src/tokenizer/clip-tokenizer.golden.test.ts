import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { clipTokenizerJson, mergeLines } from '../../test/fixtures/tokenizer/tiny-vocab.js';
import { batchEncodingToTensors } from './batch-encoding.js';
import { CLIPTokenizer } from './clip-tokenizer.js';

interface GoldenCase {
  id: number;
  category: string;
  text: string;
  text_codepoints: string[] | null;
  openai_bpe_tokens: string[];
  openai_ids: number[];
  openai_ids_77: number[];
  ftfy_changes_result: boolean;
  openai_ids_without_ftfy: number[];
  fast_emulated_ids: number[];
}

interface EdgeCase {
  text: string;
  fast_ids: number[];
  openai_ids: number[];
}

const shared = sharedDir();
const cases: GoldenCase[] = shared ? (JSON.parse(readFileSync(join(shared, 'golden/tokenizer/cases.json'), 'utf8')) as { cases: GoldenCase[] }).cases : [];
const edgeCases: EdgeCase[] = shared
  ? (JSON.parse(readFileSync(new URL('../../test/fixtures/tokenizer/edge-cases.json', import.meta.url), 'utf8')) as { cases: EdgeCase[] }).cases
  : [];
const edgeRows = edgeCases.map((c, index) => ({ ...c, index, shown: JSON.stringify(c.text).slice(0, 40) }));
const EOS = 49407;

/** `clip.tokenize(..., truncate=True)` / HF `truncation=True` form: first 76 ids + eos when longer than 77. */
function truncated(ids: readonly number[]): number[] {
  return ids.length > 77 ? [...ids.slice(0, 76), EOS] : [...ids];
}

const LOADERS = ['vocab.json + merges.txt', 'bpe_simple_vocab_16e6.txt.gz', 'tokenizer.json ("a b" merges)', 'tokenizer.json ([a, b] merges)'] as const;
type Loader = (typeof LOADERS)[number];

describeWithShared('CLIP tokenizer against golden/tokenizer/cases.json', () => {
  const tokenizers = new Map<Loader, CLIPTokenizer>();
  let openai: CLIPTokenizer;
  let vocabText: string;
  let mergesText: string;

  beforeAll(async () => {
    const bpe = join(shared, 'clip-bpe');
    vocabText = readFileSync(join(bpe, 'vocab.json'), 'utf8');
    mergesText = readFileSync(join(bpe, 'merges.txt'), 'utf8');
    const vocab = JSON.parse(vocabText) as Record<string, number>;
    tokenizers.set('vocab.json + merges.txt', CLIPTokenizer.fromVocabAndMerges(vocabText, mergesText));
    tokenizers.set('bpe_simple_vocab_16e6.txt.gz', await CLIPTokenizer.fromOpenAIBpe(new Uint8Array(readFileSync(join(bpe, 'bpe_simple_vocab_16e6.txt.gz')))));
    tokenizers.set('tokenizer.json ("a b" merges)', CLIPTokenizer.fromTokenizerJson(JSON.stringify(clipTokenizerJson(vocab, mergeLines(mergesText)))));
    tokenizers.set('tokenizer.json ([a, b] merges)', CLIPTokenizer.fromTokenizerJson(clipTokenizerJson(vocab, mergeLines(mergesText), { pairs: true })));
    openai = CLIPTokenizer.fromVocabAndMerges(vocabText, mergesText, { cleanup: 'openai' });
  });

  it('reads the special ids and sizes from the files', () => {
    for (const tokenizer of tokenizers.values()) {
      expect(tokenizer.bosTokenId).toBe(49406);
      expect(tokenizer.eosTokenId).toBe(49407);
      expect(tokenizer.padTokenId).toBe(49407);
      expect(tokenizer.vocabSize).toBe(49408);
      expect(tokenizer.modelMaxLength).toBe(77);
    }
  });

  it('has texts that match their listed code points', () => {
    for (const c of cases) {
      if (c.text_codepoints) expect(c.text).toBe(String.fromCodePoint(...c.text_codepoints.map((cp) => parseInt(cp.slice(2), 16))));
    }
  });

  describe.each(LOADERS)('loaded from %s', (loader) => {
    it.each(cases)('case $id ($category) gives fast_emulated_ids, and the truncated form', (c) => {
      const tokenizer = tokenizers.get(loader)!;
      expect(tokenizer.encode(c.text)).toEqual(c.fast_emulated_ids);
      const batch = tokenizer.call(c.text);
      expect(batch.inputIds).toEqual([truncated(c.fast_emulated_ids)]);
      expect(batch.attentionMask).toEqual([truncated(c.fast_emulated_ids).map(() => 1)]);
    });
  });

  it('loads the decompressed OpenAI text and plain bytes the same way', async () => {
    const raw = gunzipSync(readFileSync(join(shared, 'clip-bpe/bpe_simple_vocab_16e6.txt.gz')));
    const fromText = await CLIPTokenizer.fromOpenAIBpe(raw.toString('utf8'));
    const fromBytes = await CLIPTokenizer.fromOpenAIBpe(new Uint8Array(raw));
    for (const c of cases) {
      expect(fromText.encode(c.text)).toEqual(c.fast_emulated_ids);
      expect(fromBytes.encode(c.text)).toEqual(c.fast_emulated_ids);
    }
  });

  it('gives OpenAI’s BPE token strings wherever the fast ids equal OpenAI’s', () => {
    const agreeing = cases.filter((c) => JSON.stringify(c.fast_emulated_ids) === JSON.stringify(c.openai_ids));
    expect(agreeing.length).toBeGreaterThan(0);
    for (const c of agreeing) expect(tokenizers.get('vocab.json + merges.txt')!.tokenize(c.text)).toEqual(c.openai_bpe_tokens);
  });

  it('decodes its ids to text that encodes to the same ids', () => {
    const tokenizer = tokenizers.get('vocab.json + merges.txt')!;
    for (const c of cases) {
      const text = tokenizer.decode(c.fast_emulated_ids, { skipSpecialTokens: true });
      expect(tokenizer.encode(text)).toEqual(c.fast_emulated_ids);
    }
  });

  it('pads a batch of every case to the longest row and to max_length, as int64 tensors', () => {
    const tokenizer = tokenizers.get('vocab.json + merges.txt')!;
    const texts = cases.map((c) => c.text);
    for (const padding of ['longest', 'max_length'] as const) {
      const batch = tokenizer.call(texts, { padding });
      const { input_ids, attention_mask } = batchEncodingToTensors(batch);
      expect(input_ids.dims).toEqual([cases.length, 77]); // the long cases reach 77 after truncation
      expect(attention_mask.type).toBe('int64');
      cases.forEach((c, row) => {
        const ids = truncated(c.fast_emulated_ids);
        const padded = [...ids, ...new Array<number>(77 - ids.length).fill(EOS)];
        expect(Array.from(input_ids.data.subarray(row * 77, row * 77 + 77), Number)).toEqual(padded);
        expect(Array.from(attention_mask.data.subarray(row * 77, row * 77 + 77), Number)).toEqual(padded.map((_, i) => (i < ids.length ? 1 : 0)));
      });
    }
  });

  describe("cleanup: 'openai'", () => {
    it.each(cases)('case $id ($category) gives openai_ids_without_ftfy', (c) => {
      expect(openai.encode(c.text)).toEqual(c.openai_ids_without_ftfy);
    });

    // Where ftfy changes nothing, OpenAI without ftfy is OpenAI itself: the reference ids, tokens and the 77-truncation.
    it.each(cases.filter((c) => !c.ftfy_changes_result))('case $id ($category), untouched by ftfy, gives OpenAI’s ids, tokens and openai_ids_77', (c) => {
      expect(openai.encode(c.text)).toEqual(c.openai_ids);
      expect(openai.tokenize(c.text)).toEqual(c.openai_bpe_tokens);
      expect(openai.call(c.text).inputIds[0]).toEqual(c.openai_ids_77);
    });
  });

  describe('edge cases (test/fixtures/tokenizer/edge-cases.json: HF tokenizers (Rust) and Python OpenAI references)', () => {
    it.each(edgeRows)('#$index $shown: fast ids equal HF tokenizers', (c) => {
      expect(tokenizers.get('tokenizer.json ("a b" merges)')!.encode(c.text)).toEqual(c.fast_ids);
    });
    it.each(edgeRows)("#$index $shown: cleanup 'openai' equals OpenAI without ftfy", (c) => {
      expect(openai.encode(c.text)).toEqual(c.openai_ids);
    });
  });
});
