import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gunzip, isGzip } from './gunzip.js';

describe('gunzip', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('round-trips data larger than one stream chunk', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const packed = new Uint8Array(gzipSync(data));
    expect(isGzip(packed)).toBe(true);
    expect(isGzip(data)).toBe(false);
    expect(await gunzip(packed)).toEqual(data);
  });

  it('reports corrupt data with a typed error', async () => {
    const packed = new Uint8Array(gzipSync(new Uint8Array(1000)));
    await expect(gunzip(packed.subarray(0, 20))).rejects.toMatchObject({ code: 'TOKENIZER_INVALID_BPE_FILE' });
  });

  it('says what to do when the runtime has no DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    await expect(gunzip(new Uint8Array(gzipSync(new Uint8Array(4))))).rejects.toMatchObject({ code: 'TOKENIZER_UNSUPPORTED', message: /pass the text/ });
  });
});
