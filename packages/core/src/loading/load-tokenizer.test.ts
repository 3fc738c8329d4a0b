import { describe, expect, it } from 'vitest';
import { memoryFileSet } from './file-set.js';
import { loadTokenizer } from './load-tokenizer.js';

// A toy CLIP-format vocabulary: the 512 byte symbols, two merges, then the specials.
function toyFiles(extra: Record<string, string> = {}) {
  const bytes: string[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(String.fromCharCode(b));
  for (let b = 161; b <= 172; b++) bytes.push(String.fromCharCode(b));
  for (let b = 174; b <= 255; b++) bytes.push(String.fromCharCode(b));
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bytes.includes(String.fromCharCode(b))) bytes.push(String.fromCharCode(256 + n++));
  const tokens = [...bytes, ...bytes.map((c) => `${c}</w>`), 'ca', 'cat</w>', '<|startoftext|>', '<|endoftext|>'];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  return memoryFileSet({ 'vocab.json': JSON.stringify(vocab), 'merges.txt': '#version: 0.2\nc a\nca t</w>\n', ...extra }, 'toy');
}

describe('loadTokenizer', () => {
  it('loads vocab.json + merges.txt', async () => {
    const t = await loadTokenizer(toyFiles());
    expect(t.encode('cat')).toEqual([t.bosTokenId, 513, t.eosTokenId]);
    expect(t.modelMaxLength).toBe(77);
  });

  it('honours model_max_length and a named pad token from tokenizer_config.json', async () => {
    const t = await loadTokenizer(toyFiles({ 'tokenizer_config.json': JSON.stringify({ model_max_length: 5, pad_token: { content: '!' } }) }));
    expect(t.modelMaxLength).toBe(5);
    expect(t.padTokenId).toBe(0);
    expect(t.call(['cat', 'cat cat cat cat'], { padding: 'longest' }).inputIds[0]).toEqual([514, 513, 515, 0, 0]);
  });

  it("ignores HF's 'no limit' sentinel and lets explicit options win", async () => {
    const files = toyFiles({ 'tokenizer_config.json': JSON.stringify({ model_max_length: 1e30, pad_token: '!' }) });
    const t = await loadTokenizer(files, { padTokenId: 7, modelMaxLength: 9 });
    expect(t.modelMaxLength).toBe(9);
    expect(t.padTokenId).toBe(7);
  });

  it('refuses folders without tokenizer files, naming what is there', async () => {
    await expect(loadTokenizer(memoryFileSet({}, '/ckpt'))).rejects.toMatchObject({ code: 'TOKENIZER_FILES_MISSING', message: expect.stringMatching(/\/ckpt has no tokenizer.json/) });
    await expect(loadTokenizer(memoryFileSet({ 'vocab.json': '{}' }, '/ckpt'))).rejects.toThrow(/only vocab.json/);
  });

  it('refuses a broken tokenizer_config.json', async () => {
    await expect(loadTokenizer(toyFiles({ 'tokenizer_config.json': '{oops' }))).rejects.toMatchObject({ code: 'TOKENIZER_CONFIG_INVALID' });
    await expect(loadTokenizer(toyFiles({ 'tokenizer_config.json': '3' }))).rejects.toMatchObject({ code: 'TOKENIZER_CONFIG_INVALID' });
  });
});
