import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMockHub, tinyRepoFiles, type MockFaults, type MockRepo } from '../../test/mock-hub.js';
import { commands } from '../commands/index.js';
import { runCli } from '../run-cli.js';
import { pullModel, type PullOptions } from './pull-model.js';

// A hostile mirror on 127.0.0.1 tries to make a pull (and a later `models rm`) touch files outside the cache.
// Every test builds `root/{cache, victim/, victim-fp32/}` and checks that nothing outside `cache/` changed.

const work = mkdtempSync(join(tmpdir(), 'clipseg-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const TINY = tinyRepoFiles(5);
let hub: Awaited<ReturnType<typeof startMockHub>> | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

let n = 0;
/** A fresh `root` with a cache folder and two folders clipseg never wrote. */
function scene() {
  const root = join(work, `t${n++}`);
  for (const dir of ['victim', 'victim-fp32']) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'keep.txt'), `not clipseg's ${dir}`);
  }
  return { root, cache: join(root, 'cache'), outside: () => tree(root, 'cache') };
}

/** Every path below `dir` (except `skip`) with a hash of its content. */
function tree(dir: string, skip: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(base, path);
    if (rel === skip) continue;
    if (entry.isDirectory()) Object.assign(out, { [`${rel}/`]: 'dir' }, tree(path, skip, base));
    else out[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

async function serve(repos: Record<string, MockRepo>, faults: MockFaults = {}) {
  hub = await startMockHub(repos, faults);
  return hub;
}

async function cli(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env });
  return { code, stdout, stderr };
}

const pull = (id: string, cacheDir: string, extra: Partial<PullOptions> = {}) => pullModel(id, { cacheDir, endpoint: hub!.endpoint, ...extra });

describe('pull against a hostile mirror: nothing outside the cache is touched', () => {
  it('refuses a commit sha that is not 40 hex characters before writing anything', async () => {
    const s = scene();
    const before = s.outside();
    await serve({ 'acme/evil': { files: TINY, lfs: ['model.safetensors'], commit: '../../../../victim' } });
    await expect(pull('acme/evil', s.cache)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/commit/) });
    expect(hub!.log.resolve).toEqual([]);
    expect(s.outside()).toEqual(before);
    // A 40-character sha with upper case or other characters is refused too.
    await serve({ 'acme/evil': { files: TINY, commit: 'C'.repeat(40) } });
    await expect(pull('acme/evil', s.cache)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE' });
  });

  it('refuses shard names that leave the snapshot, or are absolute, before any download', async () => {
    const payload = new TextEncoder().encode('mirror content');
    for (const evil of ['../../../../../x.safetensors', '/tmp/clipseg-evil-abs.safetensors', 'a\\..\\..\\x.safetensors']) {
      const s = scene();
      const before = s.outside();
      const { 'model.safetensors': _, ...rest } = TINY;
      const files = { ...rest, 'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ weight_map: { w: evil } })), [evil]: payload };
      await serve({ 'acme/evil': { files } }, { anyPath: payload });
      await expect(pull('acme/evil', s.cache), evil).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/shard/) });
      expect(hub!.log.resolve.some((r) => r.endsWith('x.safetensors') || r.includes('evil-abs'))).toBe(false);
      expect(s.outside()).toEqual(before);
      expect(existsSync('/tmp/clipseg-evil-abs.safetensors')).toBe(false);
      await hub!.close();
      hub = undefined;
    }
  });

  it('refuses a revision that leaves refs/, and OWNER/NAME@A@B, with typed errors', async () => {
    const s = scene();
    const before = s.outside();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } });
    for (const bad of ['acme/tiny@../../../../victim-ref', 'acme/tiny@/abs', 'acme/tiny@a/../../x', 'acme/tiny@main@x', 'acme/tiny@a\\b', 'acme/-x', 'acme/x.', 'a--b/c']) {
      await expect(pull(bad, s.cache), bad).rejects.toMatchObject({ code: 'HUB_INVALID_REPO_ID' });
    }
    expect((await cli({ CLIPSEG_CACHE: s.cache, HF_ENDPOINT: hub!.endpoint }, 'pull', 'acme/tiny@main@x')).stderr).toMatch(/error\[HUB_INVALID_REPO_ID\].*'@'/);
    expect(hub!.log.api).toEqual([]);
    expect(s.outside()).toEqual(before);
  });

  it('stops a body longer than its declared size at that size, keeps nothing and does not retry', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { cdnExtraBytes: 8_000_000 });
    await expect(pull('acme/tiny', s.cache)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/more than the \d+ bytes/) });
    expect(hub!.log.resolve).toEqual(['acme/tiny/config.json']);
    const snapshots = join(s.cache, 'hub/models--acme--tiny/snapshots');
    const left = existsSync(snapshots) ? tree(snapshots, '') : {};
    expect(Object.keys(left).filter((f) => !f.endsWith('/'))).toEqual([]);
  });

  it('bounds files the Hub lists without a size', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { unlisted: new Set(['model.safetensors']) });
    await expect(pull('acme/tiny', s.cache, { maxUnsizedFileBytes: 1000 })).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/1000/) });
    const ok = await pull('acme/tiny', join(s.root, 'cache2'));
    expect(readFileSync(join(ok.checkpointDir, 'model.safetensors')).equals(Buffer.from(TINY['model.safetensors']!))).toBe(true);
  });

  it('gives up on a trickling server: idle timeout, then total timeout', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { trickleMs: 1500 });
    const t0 = Date.now();
    await expect(pull('acme/tiny', s.cache, { idleTimeoutMs: 200 })).rejects.toMatchObject({ code: 'HUB_TIMEOUT', message: expect.stringMatching(/no data for 0\.2 s/) });
    expect(Date.now() - t0).toBeLessThan(5000);
    await hub!.close();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { trickleMs: 20 });
    const t1 = Date.now();
    await expect(pull('acme/tiny', join(s.root, 'cache2'), { idleTimeoutMs: 1000, totalTimeoutMs: 800 })).rejects.toMatchObject({ code: 'HUB_TIMEOUT', message: expect.stringMatching(/0\.8 s/) });
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(existsSync(join(s.root, 'cache2/hub/models--acme--tiny/.lock'))).toBe(false);
  }, 20_000);

  it('cancels through an AbortSignal, releasing the lock and keeping the partial file for a resume', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { trickleMs: 5 });
    const controller = new AbortController();
    const pending = pull('acme/tiny', s.cache, { signal: controller.signal });
    while (hub!.log.cdn.length === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'HUB_ABORTED' });
    expect(existsSync(join(s.cache, 'hub/models--acme--tiny/.lock'))).toBe(false);
    await expect(pull('acme/tiny', s.cache, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'HUB_ABORTED' });
  }, 20_000);

  it('Ctrl-C during clipseg pull aborts cleanly with exit code 130', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { trickleMs: 5 });
    const pending = cli({ CLIPSEG_CACHE: s.cache, HF_ENDPOINT: hub!.endpoint }, 'pull', 'acme/tiny');
    while (hub!.log.cdn.length === 0) await new Promise((r) => setTimeout(r, 10));
    process.emit('SIGINT');
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/error\[HUB_ABORTED\]/);
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(existsSync(join(s.cache, 'hub/models--acme--tiny/.lock'))).toBe(false);
  }, 20_000);

  it('turns non-JSON answers (model info, shard index) and oversize answers into HUB_BAD_RESPONSE naming the endpoint', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY } }, { infoBody: '<!doctype html><html><body>Proxy login</body></html>' });
    const r = await cli({ CLIPSEG_CACHE: s.cache, HF_ENDPOINT: hub!.endpoint }, 'pull', 'acme/tiny');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[HUB_BAD_RESPONSE\].*not JSON.*HF_ENDPOINT/);
    await hub!.close();
    await serve({ 'acme/tiny': { files: TINY } }, { infoBody: `{"sha":"${'a'.repeat(40)}","siblings":[${' '.repeat(40_000_000)}]}` });
    await expect(pull('acme/tiny', s.cache)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/larger than/) });
    await hub!.close();
    const { 'model.safetensors': _, ...rest } = TINY;
    await serve({ 'acme/sharded': { files: { ...rest, 'model.safetensors.index.json': new TextEncoder().encode('<html>') } } });
    await expect(pull('acme/sharded', s.cache)).rejects.toMatchObject({ code: 'HUB_BAD_RESPONSE', message: expect.stringMatching(/index/) });
  });

  it('says what happened on a redirect loop (and no Node error code leaks as ours)', async () => {
    const s = scene();
    await serve({ 'acme/tiny': { files: TINY } }, { redirectLoop: true });
    const r = await cli({ CLIPSEG_CACHE: s.cache, HF_ENDPOINT: hub!.endpoint }, 'pull', 'acme/tiny');
    expect(r.stderr).toMatch(/error\[HUB_NETWORK\].*redirect/);
    const blocked = join(s.root, 'blocked');
    writeFileSync(blocked, 'a file where the cache folder should be');
    const f = await cli({ CLIPSEG_CACHE: blocked, HF_ENDPOINT: hub!.endpoint }, 'pull', 'acme/tiny');
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^error\[IO_WRITE_FAILED\]: .*not a directory/m);
    expect(f.stderr).not.toMatch(/error\[E[A-Z]+\]/);
  });
});

describe('pull → models → rm with a hostile cache', () => {
  it('lists nested refs, and rm deletes only what clipseg wrote, never following a hostile ref', async () => {
    const s = scene();
    const before = s.outside();
    await serve({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } });
    const env = { CLIPSEG_CACHE: s.cache, HF_ENDPOINT: hub!.endpoint };
    expect((await cli(env, 'pull', 'acme/tiny@refs/pr/1')).code).toBe(0);
    const listed = await cli(env, 'models', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { models: { refs: Record<string, string> }[] }).models[0]!.refs).toEqual({ 'refs/pr/1': 'c0ffee'.padEnd(40, '0') });

    // A hostile ref (written by a mirror through an older clipseg, or by hand) points outside the cache.
    const refs = join(s.cache, 'hub/models--acme--tiny/refs');
    writeFileSync(join(refs, 'main'), '../../../../victim');
    writeFileSync(join(refs, 'dev'), '../../../../victim-fp32\n');
    const again = await cli(env, 'models', '--json');
    expect(again.code, again.stderr).toBe(0);
    const rm = await cli(env, 'models', 'rm', 'acme/tiny@main');
    expect(rm.stderr).not.toMatch(/error\[(?!(HUB|IO|CLI)_)/);
    await cli(env, 'models', 'rm', 'acme/tiny@dev');
    expect(s.outside()).toEqual(before);
    expect(statSync(join(s.root, 'victim/keep.txt')).isFile()).toBe(true);

    expect((await cli(env, 'models', 'rm', 'acme/tiny@refs/pr/1')).code).toBe(0);
    expect((await cli(env, 'models', 'rm', 'acme/tiny')).code).toBe(0);
    expect((await cli(env, 'models', 'rm', 'acme/tiny@../../../../victim')).stderr).toMatch(/error\[HUB_INVALID_REPO_ID\]/);
    expect(s.outside()).toEqual(before);
  });
});
