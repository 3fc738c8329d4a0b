import { describe, expect, it } from 'vitest';
import type { BundleCache } from '../loading/bundle-cache.js';
import { loadHubCheckpoint } from './hub-checkpoint.js';

// A hostile mirror, imitated by a `fetch` (runs in Node: no page needed). What reaches the converter is not
// checked here: every case must fail with a typed Hub error before that, reading no more than it must.

const SHA = 'c'.repeat(40);
const text = (s: string) => new TextEncoder().encode(s);
const FILES: Record<string, Uint8Array> = {
  'config.json': text('{}'),
  'tokenizer.json': text('{}'),
  'model.safetensors': new Uint8Array(64),
};

interface Mirror {
  sha?: unknown;
  info?: string;
  files?: Record<string, Uint8Array>;
  /** Files listed without a size. */
  unsized?: string[];
  /** Endless bodies for these files (counts the chunks pulled). */
  endless?: string[];
}

function mirror(m: Mirror) {
  const requested: string[] = [];
  let pulled = 0;
  const files = m.files ?? FILES;
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    requested.push(decodeURIComponent(url.pathname));
    if (url.pathname.startsWith('/api/models/')) {
      const siblings = Object.entries(files).map(([rfilename, data]) => (m.unsized?.includes(rfilename) ? { rfilename } : { rfilename, size: data.byteLength }));
      return new Response(m.info ?? JSON.stringify({ sha: m.sha ?? SHA, siblings }));
    }
    const name = decodeURIComponent(url.pathname.split('/resolve/')[1]!.split('/').slice(1).join('/'));
    if (m.endless?.includes(name)) {
      // Each chunk waits for a timer, so a reader that never stops cannot starve the test's own timeout.
      const pull = async (c: ReadableStreamDefaultController<Uint8Array>) => {
        await new Promise((r) => setTimeout(r, 0));
        pulled++;
        c.enqueue(new Uint8Array(1024));
      };
      return new Response(new ReadableStream<Uint8Array>({ pull }));
    }
    const data = files[name];
    return data ? new Response(Uint8Array.from(data)) : new Response('', { status: 404 });
  }) as typeof fetch;
  return { fetch: fetchFn, requested, pulled: () => pulled };
}

const load = (m: ReturnType<typeof mirror>, extra: object = {}) => loadHubCheckpoint('o/n', { endpoint: 'http://mirror.test', cache: false, fetch: m.fetch, ...extra });

describe('loadHubCheckpoint against a hostile mirror', () => {
  it('refuses a commit that is not 40 hex characters before downloading', async () => {
    const m = mirror({ sha: '../../victim' });
    await expect(load(m)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/commit/) });
    expect(m.requested).toHaveLength(1);
  });

  it('turns a non-JSON answer into HUB_BAD_RESPONSE naming the endpoint', async () => {
    await expect(load(mirror({ info: '<!doctype html><p>proxy login</p>' }))).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/not JSON.*HF_ENDPOINT/) });
  });

  it('stops a body longer than the listed size, and bounds files listed without a size', async () => {
    const long = mirror({ endless: ['model.safetensors'] });
    await expect(load(long)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/more than the 64 bytes/) });
    expect(long.pulled()).toBeLessThan(8);
    const unsized = mirror({ endless: ['model.safetensors'], unsized: ['model.safetensors'] });
    await expect(load(unsized, { maxUnsizedFileBytes: 100_000 })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/100000/) });
    expect(unsized.pulled()).toBeLessThan(200);
  });

  it('refuses unsafe shard names before downloading any shard', async () => {
    const { 'model.safetensors': _, ...rest } = FILES;
    for (const evil of ['../../x.safetensors', '/abs/x.safetensors', 'a\\..\\x.safetensors']) {
      const m = mirror({ files: { ...rest, 'model.safetensors.index.json': text(JSON.stringify({ weight_map: { w: evil } })), [evil]: new Uint8Array(8) } });
      await expect(load(m), evil).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/shard/) });
      expect(m.requested.some((p) => p.includes('x.safetensors')), evil).toBe(false);
    }
    const index = mirror({ files: { ...rest, 'model.safetensors.index.json': text('<html>') } });
    await expect(load(index)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/index/) });
  });

  it('ignores a cached ref that is not a commit', async () => {
    const store = new Map<string, Uint8Array>([['hub-ref:o/n@main', text('../../evil')]]);
    const cache: BundleCache = {
      description: 'test',
      get: async (key) => store.get(key) ?? text('{"not":"a manifest"}'),
      put: async (key, bytes) => void store.set(key, bytes),
      delete: async (key) => store.delete(key),
      clear: async () => store.clear(),
    };
    await expect(loadHubCheckpoint('o/n', { cache, offline: true })).rejects.toMatchObject({ code: 'HUB_OFFLINE' });
  });
});
