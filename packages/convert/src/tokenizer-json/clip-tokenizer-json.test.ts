import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIPTokenizer, memoryFileSet } from '@clipseg/core';
import { describe, expect, inject, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { syntheticTokenizerFiles } from '../random/synthetic-tokenizer.js';
import { clipTokenizerJson, tokenizerJsonFor } from './clip-tokenizer-json.js';

const shared = sharedDir();
const repoRoot = inject('repoRoot');
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

interface TokenizerJson {
  added_tokens: { id: number; content: string; normalized: boolean; special: boolean }[];
  normalizer: { normalizers: { type: string }[] };
  pre_tokenizer: { pretokenizers: { type: string; pattern?: { Regex: string } }[] };
  post_processor: { type: string; cls: [string, number]; sep: [string, number] };
  model: { type: string; end_of_word_suffix: string; unk_token: string; vocab: Record<string, number>; merges: [string, string][] };
}

describe('clipTokenizerJson', () => {
  const synthetic = syntheticTokenizerFiles();

  it('lays the file out as transformers’ CLIPConverter does', () => {
    const json = JSON.parse(clipTokenizerJson(text(synthetic['vocab.json']), text(synthetic['merges.txt']))) as TokenizerJson;
    expect(json.normalizer.normalizers.map((n) => n.type)).toEqual(['NFC', 'Replace', 'Lowercase']);
    expect(json.pre_tokenizer.pretokenizers.map((p) => p.type)).toEqual(['Split', 'ByteLevel']);
    expect(json.pre_tokenizer.pretokenizers[0]!.pattern!.Regex).toBe("'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+");
    expect(json.post_processor).toMatchObject({ type: 'RobertaProcessing', cls: ['<|startoftext|>', 49406], sep: ['<|endoftext|>', 49407] });
    expect(json.model).toMatchObject({ type: 'BPE', end_of_word_suffix: '</w>', unk_token: '<|endoftext|>' });
    expect(json.added_tokens.map((t) => [t.id, t.content, t.normalized, t.special])).toEqual([
      [49406, '<|startoftext|>', true, true],
      [49407, '<|endoftext|>', false, true],
    ]);
    expect(json.model.merges[0]).toEqual(['t', 'h']);
  });

  it('writes the vocabulary in id order, integer-like tokens included', () => {
    const vocab = JSON.parse(text(synthetic['vocab.json'])) as Record<string, number>;
    const ids = Object.values(vocab);
    vocab['19'] = Math.max(...ids.filter((id) => id < 49406)) + 1; // JS objects list integer-like keys first
    const written = clipTokenizerJson(JSON.stringify(vocab), text(synthetic['merges.txt']));
    const section = written.slice(written.indexOf('"vocab": {'), written.indexOf('"merges": ['));
    const order = [...section.matchAll(/^ {6}("(?:[^"\\]|\\.)*"): (\d+)/gm)].map((m) => Number(m[2]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.length).toBe(Object.keys(vocab).length);
    expect((JSON.parse(written) as TokenizerJson).model.vocab['19']).toBe(vocab['19']);
  });

  it('takes the special tokens from tokenizer_config.json, and copies an existing tokenizer.json', async () => {
    const files = { ...synthetic, 'tokenizer_config.json': new TextEncoder().encode(JSON.stringify({ pad_token: { content: '!' } })) };
    const json = JSON.parse(text(await tokenizerJsonFor(memoryFileSet(files)))) as TokenizerJson;
    expect(json.added_tokens.map((t) => t.content)).toEqual(['!', '<|startoftext|>', '<|endoftext|>']);
    const existing = new TextEncoder().encode('{"model":{}}');
    expect(await tokenizerJsonFor(memoryFileSet({ ...synthetic, 'tokenizer.json': existing }))).toBe(existing);
    expect(await tokenizerJsonFor(memoryFileSet({}))).toBeUndefined();
  });

  it('refuses malformed vocabularies', () => {
    expect(() => clipTokenizerJson('[]', 'a b')).toThrow(expect.objectContaining({ code: 'TOKENIZER_INVALID_VOCAB' }));
  });
});

describeWithShared('clipTokenizerJson over the CLIP vocabulary', () => {
  it('tokenizes every golden and edge case exactly like vocab.json + merges.txt, and like HF tokenizers (Rust)', () => {
    const vocab = readFileSync(join(shared, 'clip-bpe/vocab.json'), 'utf8');
    const merges = readFileSync(join(shared, 'clip-bpe/merges.txt'), 'utf8');
    const fromJson = CLIPTokenizer.fromTokenizerJson(clipTokenizerJson(vocab, merges));
    const fromPair = CLIPTokenizer.fromVocabAndMerges(vocab, merges);
    const golden = (JSON.parse(readFileSync(join(shared, 'golden/tokenizer/cases.json'), 'utf8')) as { cases: { text: string; fast_emulated_ids: number[] }[] }).cases;
    const edge = (JSON.parse(readFileSync(join(repoRoot, 'packages/core/test/fixtures/tokenizer/edge-cases.json'), 'utf8')) as { cases: { text: string; fast_ids: number[] }[] }).cases;
    for (const c of golden) expect(fromJson.encode(c.text), c.text).toEqual(c.fast_emulated_ids);
    for (const c of edge) expect(fromJson.encode(c.text), c.text).toEqual(c.fast_ids);
    // vocab.json + merges.txt match both specials exactly; tokenizer.json's <|startoftext|> is `normalized` (as in
    // HF's file), so it also matches in upper case. Everything else is the same.
    const caseVariantOfBos = (s: string) => /<\|startoftext\|>/i.test(s.normalize('NFC').toLowerCase()) && !s.includes('<|startoftext|>');
    for (const c of [...golden, ...edge].filter((c) => !caseVariantOfBos(c.text))) expect(fromJson.encode(c.text), c.text).toEqual(fromPair.encode(c.text));
  });
});
