import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, openSafetensors, writeSafetensors, type Tensor } from '@clipseg/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { itWithShared, sharedDir } from '@clipseg/core/testing';
import { exampleScene } from '@clipseg/processor';
import { loadCLIPSeg } from '@clipseg/runtime-node';
import { startMockHub, tinyRepoFiles } from '../../test/mock-hub.js';
import { runCli } from '../run-cli.js';
import { commands } from '../commands/index.js';
import { pullModel } from './pull-model.js';

const shared = sharedDir();
const work = mkdtempSync(join(tmpdir(), 'clipseg-hub-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TINY = tinyRepoFiles(11);
let n = 0;
const freshCache = () => join(work, `cache-${n++}`);
let hub: Awaited<ReturnType<typeof startMockHub>> | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function cli(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env });
  return { code, stdout, stderr };
}

describe('clipseg pull against a local imitation of the Hub', () => {
  it('downloads through the CDN redirect, verifies, converts, and then works offline by repo id', async () => {
    hub = await startMockHub({ 'acme/clipseg-tiny': { files: TINY, lfs: ['model.safetensors'] } });
    const cache = freshCache();
    const env = { CLIPSEG_CACHE: cache, HF_ENDPOINT: hub.endpoint };
    const r = await cli(env, 'pull', 'acme/clipseg-tiny', '--json');
    expect(r.code, r.stderr).toBe(0);
    const pulled = JSON.parse(r.stdout) as { bundleDir: string; checkpointDir: string; commit: string };
    expect(readdirSync(pulled.checkpointDir).sort()).toEqual(Object.keys(TINY).filter((f) => f !== 'README.md').sort());
    expect(existsSync(join(pulled.bundleDir, 'manifest.json'))).toBe(true);
    expect(hub.log.cdn.map((c) => c.path)).toEqual(['acme/clipseg-tiny/model.safetensors']);

    const requests = hub.log.api.length + hub.log.cdn.length;
    await hub.close();
    hub = undefined;
    const seg = await cli(env, 'segment', '--example', '--model', 'acme/clipseg-tiny', '--prompt', 'a ball', '--out', join(work, 'seg-out'));
    expect(seg.code, seg.stderr).toBe(0);
    expect(seg.stderr).not.toMatch(/RANDOM weights/);
    expect(requests).toBeGreaterThan(0);

    const listed = await cli(env, 'models', '--json');
    const models = JSON.parse(listed.stdout) as { models: { repo: string; refs: Record<string, string>; bundles: unknown[] }[] };
    expect(models.models.map((m) => [m.repo, m.refs.main, m.bundles.length])).toEqual([['acme/clipseg-tiny', pulled.commit, 1]]);
    expect((await cli(env, 'models', 'rm', 'acme/clipseg-tiny')).code).toBe(0);
    expect((await cli(env, 'models', '--json')).stdout).toMatch(/"models":\[\]/);
    expect((await cli(env, 'segment', '--example', '--model', 'acme/clipseg-tiny', '--prompt', 'x')).stderr).toMatch(/run 'clipseg pull acme\/clipseg-tiny' first/);
  });

  it('calls a cached bundle whose manifest.json is not a regular file broken (BUNDLE_MANIFEST_INVALID) instead of returning it', async () => {
    hub = await startMockHub({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } });
    const cacheDir = freshCache();
    const pulled = await pullModel('acme/tiny', { cacheDir, endpoint: hub.endpoint });
    rmSync(join(pulled.bundleDir, 'manifest.json'));
    mkdirSync(join(pulled.bundleDir, 'manifest.json'));
    await expect(pullModel('acme/tiny', { cacheDir, offline: true })).rejects.toMatchObject({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringMatching(/broken bundle/) });
  });

  it('resumes a dropped connection with a Range request', async () => {
    hub = await startMockHub({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { dropAfterBytes: 1_000_000 });
    const pulled = await pullModel('acme/tiny', { cacheDir: freshCache(), endpoint: hub.endpoint });
    // The second request resumes from the bytes that reached the file: at most what the server sent before it
    // dropped the connection (socket buffers may hold back the tail), and more than nothing.
    const ranges = hub.log.cdn.map((c) => c.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);
    expect(readFileSync(join(pulled.checkpointDir, 'model.safetensors')).equals(Buffer.from(TINY['model.safetensors']!))).toBe(true);
  });

  it('refuses a file whose checksum is wrong, leaving neither the file nor a bundle', async () => {
    hub = await startMockHub({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } }, { corrupt: new Set(['model.safetensors']) });
    const cache = freshCache();
    await expect(pullModel('acme/tiny', { cacheDir: cache, endpoint: hub.endpoint })).rejects.toMatchObject({ code: 'HUB_CHECKSUM_MISMATCH' });
    const snap = join(cache, 'hub/models--acme--tiny/snapshots');
    const left = readdirSync(join(snap, readdirSync(snap)[0]!));
    expect(left).not.toContain('model.safetensors');
    expect(left.some((f) => f.endsWith('.part'))).toBe(false);
    expect(existsSync(join(cache, 'hub/models--acme--tiny/bundles'))).toBe(false);
  });

  it('asks for HF_TOKEN on a gated repo, sends it, and never forwards it to the CDN', async () => {
    hub = await startMockHub({ 'acme/gated': { files: TINY, lfs: ['model.safetensors'], token: 'hf_secret' } });
    const cache = freshCache();
    const denied = await cli({ CLIPSEG_CACHE: cache, HF_ENDPOINT: hub.endpoint }, 'pull', 'acme/gated');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/error\[HUB_UNAUTHORIZED\].*HF_TOKEN/);
    const ok = await cli({ CLIPSEG_CACHE: cache, HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_secret' }, 'pull', 'acme/gated');
    expect(ok.code, ok.stderr).toBe(0);
    expect(hub.log.cdn.every((c) => c.authorization === undefined)).toBe(true);
  });

  it('reports unknown repos, bad ids, non-CLIPSeg repos and offline misses with typed errors', async () => {
    hub = await startMockHub({ 'acme/not-clipseg': { files: { 'README.md': new Uint8Array(1) } } });
    const env = { CLIPSEG_CACHE: freshCache(), HF_ENDPOINT: hub.endpoint };
    expect((await cli(env, 'pull', 'acme/missing')).stderr).toMatch(/error\[HUB_NOT_FOUND\]/);
    expect((await cli(env, 'pull', 'not a repo')).stderr).toMatch(/error\[HUB_INVALID_REPO_ID\]/);
    expect((await cli(env, 'pull', 'acme/not-clipseg')).stderr).toMatch(/error\[HUB_NOT_A_CLIPSEG_REPO\].*config\.json/);
    expect((await cli(env, 'pull', 'acme/missing', '--offline')).stderr).toMatch(/error\[HUB_OFFLINE\]/);
    expect((await cli({ ...env, HF_ENDPOINT: 'http://127.0.0.1:1' }, 'pull', 'acme/x')).stderr).toMatch(/error\[HUB_NETWORK\]/);
  });

  it('serialises concurrent pulls of the same repo: one download, two results', async () => {
    hub = await startMockHub({ 'acme/tiny': { files: TINY, lfs: ['model.safetensors'] } });
    const cacheDir = freshCache();
    const [a, b] = await Promise.all([pullModel('acme/tiny', { cacheDir, endpoint: hub.endpoint }), pullModel('acme/tiny', { cacheDir, endpoint: hub.endpoint })]);
    expect(a.bundleDir).toBe(b.bundleDir);
    expect(hub.log.cdn).toHaveLength(1);
    const seg = await loadCLIPSeg(a.bundleDir);
    expect((await seg.segmentImage(exampleScene(), 'a ball')).logits.dims).toEqual([1, 352, 352]);
    await seg.dispose();
  });

  it('pulls sharded safetensors: the index, then every shard it names', async () => {
    const reader = await openSafetensors(bytesSource(TINY['model.safetensors']!));
    const all = await reader.readAll();
    const names = Object.keys(all);
    const shard = (part: string[]) => writeSafetensors(Object.fromEntries(part.map((k) => [k, all[k] as Tensor])));
    const half = names.length >> 1;
    const { 'model.safetensors': _, ...rest } = TINY;
    const files = {
      ...rest,
      'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ weight_map: Object.fromEntries(names.map((k, i) => [k, i < half ? 'a.safetensors' : 'b.safetensors'])) })),
      'a.safetensors': shard(names.slice(0, half)),
      'b.safetensors': shard(names.slice(half)),
    };
    hub = await startMockHub({ 'acme/sharded': { files, lfs: ['a.safetensors', 'b.safetensors'] } });
    const pulled = await pullModel('acme/sharded', { cacheDir: freshCache(), endpoint: hub.endpoint });
    expect(readdirSync(pulled.checkpointDir)).toEqual(expect.arrayContaining(['a.safetensors', 'b.safetensors', 'model.safetensors.index.json']));
    expect(existsSync(join(pulled.bundleDir, 'manifest.json'))).toBe(true);
  });

  itWithShared('falls back to pytorch_model.bin through the safe loader', async () => {
    const dir = join(shared, 'golden/clipseg-tiny-refined');
    const files = Object.fromEntries(
      ['config.json', 'preprocessor_config.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json', 'pytorch_model.bin'].map((f) => [
        f,
        new Uint8Array(readFileSync(join(dir, f))),
      ]),
    );
    hub = await startMockHub({ 'CIDAS/tiny-bin': { files, lfs: ['pytorch_model.bin'] } });
    const pulled = await pullModel('CIDAS/tiny-bin', { cacheDir: freshCache(), endpoint: hub.endpoint });
    const manifest = JSON.parse(readFileSync(join(pulled.bundleDir, 'manifest.json'), 'utf8')) as { source: { files: { path: string }[] } };
    expect(manifest.source.files.map((f) => f.path)).toEqual(['config.json', 'pytorch_model.bin']);
  });

  it('--model also takes an HF checkpoint folder, converted once into the cache and reused', async () => {
    const env = { CLIPSEG_CACHE: freshCache() };
    expect((await cli(env, 'init-random', '--preset', 'tiny', join(work, 'local-ckpt'))).code).toBe(0);
    const first = await cli(env, 'segment', '--example', '--model', join(work, 'local-ckpt'), '--prompt', 'x', '--out', join(work, 'o1'));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/is an HF checkpoint; converting it once/);
    const second = await cli(env, 'segment', '--example', '--model', join(work, 'local-ckpt'), '--prompt', 'x', '--out', join(work, 'o2'));
    expect(second.stderr).not.toMatch(/converting/);
  });
});
