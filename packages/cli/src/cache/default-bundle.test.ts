import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRandomBundle } from '@clipseg/convert';
import { isCLIPSegError, sha256Hex } from '@clipseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_NAME, DEFAULT_BUNDLE_NOTICE, ensureDefaultBundle } from './default-bundle.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-default-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return isCLIPSegError(error) ? `${error.code}: ${error.message}` : `not typed: ${String(error)}`;
  }
}

describe('ensureDefaultBundle', () => {
  it("builds convert's defaultRandomBundle() (the playground's built-in model) into the cache, byte for byte", async () => {
    const cache = join(work, 'fresh');
    const dir = await ensureDefaultBundle({ CLIPSEG_CACHE: cache });
    expect(dir).toBe(join(cache, 'bundles', DEFAULT_BUNDLE_NAME));
    const recipe = await defaultRandomBundle();
    expect(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length).toBe(recipe.files.size);
    for (const [name, bytes] of recipe.files) expect(sha256Hex(new Uint8Array(readFileSync(join(dir, name)))), name).toBe(sha256Hex(bytes));
  });

  it('never replaces a cache folder that holds no bundle, and says to remove it', async () => {
    const cache = join(work, 'junk');
    const dir = join(cache, 'bundles', DEFAULT_BUNDLE_NAME);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(await failure(ensureDefaultBundle({ CLIPSEG_CACHE: cache }))).toMatch(/^IO_TARGET_EXISTS: .*holds no bundle; remove it/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('reports a cache bundle whose manifest.json is a FIFO as broken', async () => {
    const cache = join(work, 'fifo');
    const dir = join(cache, 'bundles', DEFAULT_BUNDLE_NAME);
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [join(dir, 'manifest.json')]);
    expect(await failure(ensureDefaultBundle({ CLIPSEG_CACHE: cache }))).toMatch(/^BUNDLE_MANIFEST_INVALID: .*broken bundle/);
  });
});

describe('DEFAULT_BUNDLE_NOTICE', () => {
  it('says the masks are meaningless and how to get a trained model: pull it, or convert a checkpoint', () => {
    expect(DEFAULT_BUNDLE_NOTICE).toMatch(/RANDOM weights.*meaningless/);
    expect(DEFAULT_BUNDLE_NOTICE).toContain('clipseg pull CIDAS/clipseg-rd64-refined');
    expect(DEFAULT_BUNDLE_NOTICE).toContain('--model CIDAS/clipseg-rd64-refined');
    expect(DEFAULT_BUNDLE_NOTICE).toContain('clipseg convert');
  });
});
