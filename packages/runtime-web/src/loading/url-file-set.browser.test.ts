import { BUNDLE_MANIFEST_FILE, CLIPSeg, isCLIPSegError } from '@clipseg/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithShared } from '@clipseg/core/testing';
import { fixtureUrl, ortUrl } from '../../test/browser-fixtures.js';
import { loadCLIPSeg } from '../pipeline/load-clipseg.js';
import { createWasmBackend } from '../wasm.js';
import { cacheStorageBundleCache, type BundleCache } from './bundle-cache.js';
import type { LoadProgress } from './load-progress.js';
import { opfsBundleCache } from './opfs-bundle-cache.js';
import { urlFileSet } from './url-file-set.js';

const backend = createWasmBackend({ wasmPaths: ortUrl });
const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
let cacheNames = 0;
const freshCache = () => cacheStorageBundleCache({ name: `clipseg-test-${Date.now()}-${cacheNames++}` });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isCLIPSegError(error) ? error.code : `untyped: ${String(error)}`;
  }
  return undefined;
}

describeWithShared(`urlFileSet and loadCLIPSeg from URLs`, () => {
  const url = fixtureUrl('bundles/fp32/');
  const caches: BundleCache[] = [];
  const cache = () => {
    const c = freshCache();
    caches.push(c);
    return c;
  };
  beforeAll(() => backend.init());
  afterAll(async () => {
    for (const c of caches) await c.clear();
  });

  it('reports progress per file and for the whole bundle, ending at fraction 1', async () => {
    const events: LoadProgress[] = [];
    const seg = await loadCLIPSeg(fixtureUrl('slow/bundles/fp32/'), { backend, cache: false, onProgress: (p) => events.push(p) });
    await seg.dispose();
    const overall = events.filter((e) => e.overall !== undefined).map((e) => e.overall!);
    expect(overall.length).toBeGreaterThan(10);
    for (let i = 1; i < overall.length; i++) expect(overall[i]!.loaded).toBeGreaterThanOrEqual(overall[i - 1]!.loaded);
    expect(overall.at(-1)).toMatchObject({ fraction: 1 });
    expect(overall.at(-1)!.loaded).toBe(overall.at(-1)!.total);
    const vision = events.filter((e) => e.file === 'vision_encoder.onnx');
    expect(vision.length).toBeGreaterThan(2);
    expect(vision.at(-1)).toMatchObject({ fraction: 1, fromCache: false });
    expect(vision.some((e) => e.fraction !== undefined && e.fraction > 0 && e.fraction < 1)).toBe(true);
  });

  it('knows each total from the manifest when the server sends no Content-Length', async () => {
    const events: LoadProgress[] = [];
    const files = urlFileSet(fixtureUrl('nolength/bundles/fp32/'), { cache: false, onProgress: (p) => events.push(p) });
    const manifest = await files.manifest();
    await files.readBytes('decoder.onnx');
    expect(events.filter((e) => e.file === 'decoder.onnx').at(-1)).toMatchObject({ total: manifest.graphs.decoder.bytes, fraction: 1 });
  });

  it('caches verified files so a second load works offline', async () => {
    const store = cache();
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const first = await loadCLIPSeg(url, { backend, cache: store, fetch: counting });
    const embedding = await first.embed('a cat');
    await first.dispose();
    expect(requests).toBeGreaterThan(5);
    const events: LoadProgress[] = [];
    const second = await loadCLIPSeg(url, { backend, cache: store, fetch: offline, onProgress: (p) => events.push(p) });
    expect(Array.from((await second.embed('a cat')).data)).toEqual(Array.from(embedding.data));
    await second.dispose();
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.fromCache)).toBe(true);
    // The image projector, loaded lazily, was cached at the first load too.
    expect(await store.get(`sha256:${first.manifest.graphs.image_projector.sha256}`)).toBeInstanceOf(Uint8Array);
  });

  it('prefetch() fills the cache with every listed file', async () => {
    const store = cache();
    const files = urlFileSet(url, { cache: store });
    const total = await files.prefetch();
    const manifest = await files.manifest();
    expect(total).toBe(Object.values(manifest.graphs).reduce((s, g) => s + g.bytes, 0) + manifest.files.config.bytes + manifest.files.preprocessor.bytes + manifest.files.tokenizer.reduce((s, f) => s + f.bytes, 0));
    const seg = await CLIPSeg.load(urlFileSet(url, { cache: store, fetch: offline }), backend);
    await seg.dispose();
  });

  it('an OPFS cache works the same way', async () => {
    const store = opfsBundleCache({ directory: `clipseg-test-${Date.now()}` });
    caches.push(store);
    await (await loadCLIPSeg(url, { backend, cache: store })).dispose();
    await (await loadCLIPSeg(url, { backend, cache: store, fetch: offline })).dispose();
  });

  it('offline without a cached copy is WEB_NETWORK', async () => {
    expect(await codeOf(loadCLIPSeg(url, { backend, cache: cache(), fetch: offline }))).toBe('WEB_NETWORK');
  });

  it('a missing bundle is WEB_NOT_FOUND; a listed file missing on the server too', async () => {
    expect(await codeOf(loadCLIPSeg(fixtureUrl('bundles/nothing-here/'), { backend, cache: false }))).toBe('WEB_NOT_FOUND');
    const without: typeof fetch = (input, init) => (String(input).endsWith('decoder.onnx') ? Promise.resolve(new Response('gone', { status: 404 })) : fetch(input, init));
    const error = await loadCLIPSeg(url, { backend, cache: false, fetch: without }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WEB_NOT_FOUND', message: expect.stringMatching(/decoder\.onnx.*incomplete/) });
  });

  it('other HTTP errors are WEB_HTTP_ERROR with the status', async () => {
    await expect(loadCLIPSeg(fixtureUrl('status/503/bundles/fp32/'), { backend, cache: false })).rejects.toMatchObject({ code: 'WEB_HTTP_ERROR', details: { status: 503 } });
  });

  it('a server without CORS headers is WEB_CORS (or WEB_NETWORK when COEP also blocks the probe)', async () => {
    expect(await codeOf(loadCLIPSeg(fixtureUrl('nocors-corp/bundles/fp32/'), { backend, cache: false }))).toBe('WEB_CORS');
    expect(await codeOf(loadCLIPSeg(fixtureUrl('nocors/bundles/fp32/'), { backend, cache: false }))).toBe('WEB_NETWORK');
    expect(await codeOf(loadCLIPSeg('http://127.0.0.1:9/bundle/', { backend, cache: false }))).toBe('WEB_NETWORK');
  });

  it('corrupt bytes are WEB_INTEGRITY and are not cached', async () => {
    const store = cache();
    const files = urlFileSet(fixtureUrl('corrupt/bundles/fp32/'), { cache: store });
    const error = await files.readBytes('vision_encoder.onnx').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WEB_INTEGRITY', message: expect.stringMatching(/SHA-256/) });
    const manifest = await files.manifest();
    expect(await store.get(`sha256:${manifest.graphs.vision_encoder.sha256}`)).toBeUndefined();
    // integrity 'size' lets the same-length corruption through (to the backend or core's verify).
    expect(await urlFileSet(fixtureUrl('corrupt/bundles/fp32/'), { cache: false, integrity: 'size' }).readBytes('vision_encoder.onnx')).toBeInstanceOf(Uint8Array);
  });

  it('an AbortSignal cancels the downloads: WEB_ABORTED from the file set, PIPELINE_ABORTED from loadCLIPSeg', async () => {
    const controller = new AbortController();
    const load = loadCLIPSeg(fixtureUrl('slow/bundles/fp32/'), {
      backend,
      cache: false,
      signal: controller.signal,
      onProgress: (p) => p.file.endsWith('.onnx') && p.loaded > 0 && controller.abort(new Error('user cancelled')),
    });
    await expect(load).rejects.toMatchObject({ code: 'PIPELINE_ABORTED', cause: { code: 'WEB_ABORTED' } });
    const aborted = new AbortController();
    aborted.abort();
    expect(await codeOf(urlFileSet(url, { cache: false, signal: aborted.signal }).readBytes(BUNDLE_MANIFEST_FILE))).toBe('WEB_ABORTED');
  });

  it('a full cache is WEB_QUOTA_EXCEEDED, or a warning with onCacheError', async () => {
    const full = {
      open: async () => ({
        match: async () => undefined,
        put: async () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      }),
      delete: async () => true,
    } as unknown as CacheStorage;
    const store = cacheStorageBundleCache({ caches: full });
    await expect(loadCLIPSeg(url, { backend, cache: store })).rejects.toMatchObject({ code: 'WEB_QUOTA_EXCEEDED' });
    const warnings: string[] = [];
    const seg = await loadCLIPSeg(url, { backend, cache: store, onCacheError: (e) => warnings.push(e.code) });
    await seg.dispose();
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings)).toEqual(new Set(['WEB_QUOTA_EXCEEDED']));
  });
});
