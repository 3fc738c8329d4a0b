import { describe, expect, it } from 'vitest';
import { HubError } from './hub-error.js';
import { fetchHubModelInfo, parseHubModelInfo, type FetchLike } from './hub-model-info.js';
import { isHubRepoId, parseHubRepoRef } from './hub-repo.js';
import { selectCheckpointFiles, shardFiles } from './select-checkpoint-files.js';

// What a hostile or misconfigured Hub can send, and the typed errors it must produce.

const SHA = 'c'.repeat(40);
const ref = { repo: 'o/n', revision: 'main' };
const answer = (body: ConstructorParameters<typeof Response>[0], init: ResponseInit = {}): FetchLike => async () => new Response(body, init);
const siblings = (names: string[]) => names.map((rfilename) => ({ rfilename, size: 1, blobId: 'b'.repeat(40) }));

describe('repo ids and revisions', () => {
  it('keeps every revision below refs/ and refuses OWNER/NAME@A@B', () => {
    for (const good of ['o/n@main', 'o/n@v1.0', 'o/n@refs/pr/1', `o/n@${SHA}`, 'o/n@feature/x_y-z', '_o/n.2', 'o-1/n_2.x']) expect(isHubRepoId(good), good).toBe(true);
    const bad = ['o/n@..', 'o/n@../../x', 'o/n@a/../../x', 'o/n@/abs', 'o/n@a//b', 'o/n@a/', 'o/n@a\\b', 'o/n@.hidden', 'o/n@x.lock', 'o/n@x.', 'o/n@', 'o/n@a b', `o/n@${'x'.repeat(201)}`];
    for (const id of bad) expect(() => parseHubRepoRef(id), id).toThrowError(expect.objectContaining({ code: 'HUB_INVALID_REPO_ID', message: expect.stringMatching(/revision/) }));
    expect(() => parseHubRepoRef('o/n@main@x')).toThrowError(expect.objectContaining({ code: 'HUB_INVALID_REPO_ID', message: expect.stringMatching(/more than one '@'/) }));
  });
  it('applies the Hub rules to OWNER and NAME', () => {
    for (const id of ['-o/n', 'o-/n', '.o/n', 'o/n.', 'o--x/n', 'o/n--x', 'o/a..b', `o/${'n'.repeat(97)}`, 'o/n$', 'o/']) expect(isHubRepoId(id), id).toBe(false);
    expect(isHubRepoId(`o/${'n'.repeat(96)}`)).toBe(true);
  });
});

describe('model-info answers', () => {
  it('refuses a commit that is not 40 lower-case hex characters', () => {
    for (const sha of ['../../victim', 'C'.repeat(40), 'c'.repeat(39), `${'c'.repeat(39)}/`, 42, null]) {
      expect(() => parseHubModelInfo({ sha, siblings: [] }, 'o/n'), String(sha)).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/commit|sha/) }));
    }
  });
  it('refuses sizes and hashes that are not what the Hub sends', () => {
    const one = (sibling: object) => () => parseHubModelInfo({ sha: SHA, siblings: [{ rfilename: 'f', ...sibling }] }, 'o/n');
    for (const s of [{ size: -1 }, { size: 1.5 }, { size: '10' }, { size: 2 ** 60 }, { lfs: { size: -3 } }, { lfs: { sha256: 'x' } }, { blobId: '../x' }]) {
      expect(one(s), JSON.stringify(s)).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE' }));
    }
    expect(one({})().files).toEqual([{ name: 'f' }]);
  });
  it('describes deeply nested values without overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(() => parseHubModelInfo({ sha: deep, siblings: [] }, 'o/n')).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE' }));
    expect(() => parseHubModelInfo({ sha: SHA, siblings: [{ rfilename: 'f', size: deep }] }, 'o/n')).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE' }));
    const repo = parseHubModelInfo({ sha: SHA, siblings: [] }, 'o/n');
    expect(() => shardFiles(repo, `{"weight_map":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`)).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE' }));
  });
  it('turns a non-JSON answer (a proxy page) into HUB_BAD_RESPONSE that names HF_ENDPOINT', async () => {
    const html = answer('<!doctype html><title>Sign in</title>', { status: 200 });
    await expect(fetchHubModelInfo(ref, { fetch: html })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/not JSON.*"<!doctype html>.*HF_ENDPOINT/) });
    await expect(fetchHubModelInfo(ref, { fetch: answer(new Uint8Array([0xff, 0xfe, 0x00])) })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/UTF-8/) });
    await expect(fetchHubModelInfo(ref, { fetch: answer('[]') })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE' });
  });
  it('reads at most maxBytes of the answer, by Content-Length and while streaming', async () => {
    const big = JSON.stringify({ sha: SHA, siblings: siblings(Array.from({ length: 200 }, (_, i) => `f${i}`)) });
    expect((await fetchHubModelInfo(ref, { fetch: answer(big), maxBytes: big.length })).files).toHaveLength(200);
    await expect(fetchHubModelInfo(ref, { fetch: answer(big, { headers: { 'content-length': String(big.length) } }), maxBytes: 1000 })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/larger than 1000 bytes \(Content-Length/) });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(4096).fill(32));
      },
    });
    await expect(fetchHubModelInfo(ref, { fetch: answer(endless), maxBytes: 100_000 })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/larger than 100000 bytes/) });
    expect(pulled).toBeLessThan(40);
  });
  it('says what broke (the cause chain), and maps aborts: HUB_ABORTED, or the HubError the signal carries', async () => {
    const loop: FetchLike = () => Promise.reject(new TypeError('fetch failed', { cause: new Error('redirect count exceeded') }));
    await expect(fetchHubModelInfo(ref, { fetch: loop })).rejects.toMatchObject({ code: 'HUB_NETWORK', message: expect.stringMatching(/fetch failed: redirect count exceeded/) });
    await expect(fetchHubModelInfo(ref, { fetch: answer('{}'), signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'HUB_ABORTED' });
    const timeout = new HubError('HUB_TIMEOUT', 'no data');
    const controller = new AbortController();
    // A body that stalls after one byte and that the fetch does not tie to the signal: the read must still stop.
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => void c.enqueue(new Uint8Array([123])) });
    const pending = fetchHubModelInfo(ref, { fetch: async () => new Response(stalled), signal: controller.signal });
    setTimeout(() => controller.abort(timeout), 20);
    await expect(pending).rejects.toBe(timeout);
  });
});

describe('shard indexes', () => {
  const repo = parseHubModelInfo({ sha: SHA, siblings: siblings(['config.json', 'tokenizer.json', 'model.safetensors.index.json', 'a.safetensors', 'x.bin']) }, 'o/n');
  it('refuses names that leave the snapshot, absolute names and non-safetensors shards before any download', () => {
    expect(selectCheckpointFiles(repo).shardIndex?.name).toBe('model.safetensors.index.json');
    for (const name of ['../../../x.safetensors', '/tmp/x.safetensors', 'a\\..\\x.safetensors', 'a/../../x.safetensors', 'C:x.safetensors', '', 'x.bin', 'config.json']) {
      expect(() => shardFiles(repo, JSON.stringify({ weight_map: { w: name } })), name).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE' }));
    }
  });
  it('turns a malformed index into HUB_BAD_RESPONSE', () => {
    for (const text of ['<html>', 'null', '{}', '{"weight_map":{}}', '{"weight_map":{"w":3}}', '{"weight_map":["a.safetensors"]}']) {
      expect(() => shardFiles(repo, text), text).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/index/) }));
    }
    expect(shardFiles(repo, '{"weight_map":{"w":"a.safetensors"}}').map((f) => f.name)).toEqual(['a.safetensors']);
  });
});
