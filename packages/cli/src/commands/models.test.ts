import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cache = join(work, 'cache');
const checkpoint = join(work, 'my-ckpt');
const env = { CLIPSEG_CACHE: cache };

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env });
  return { code, stdout, stderr };
}

interface Listed {
  converted: { id: string; dir: string; source: string | null; bytes: number }[];
}
const listed = async () => (JSON.parse((await cli('models', '--json')).stdout) as Listed).converted;
const embedWith = (model: string) => cli('embed', '--model', model, '--text', 'a cat', '--out', join(work, 'e.safetensors'));

describe('clipseg models and checkpoint folders converted by --model CHECKPOINT_DIR', () => {
  let key = '';
  beforeAll(async () => {
    expect((await cli('init-random', '--preset', 'tiny', checkpoint)).code).toBe(0);
    const r = await embedWith(checkpoint);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/converting it once/);
    key = readdirSync(join(cache, 'converted')).find((name) => /^[0-9a-f]{20}$/.test(name))!;
  });

  it('lists each conversion with the folder it came from and its size', async () => {
    const text = await cli('models');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^converted/${key}  from ${checkpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  \\d+\\.\\d MB$`, 'm'));
    const [entry, ...rest] = await listed();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ id: `converted/${key}`, dir: join(cache, 'converted', key), source: checkpoint });
    expect(entry!.bytes).toBeGreaterThan(100_000);
  });

  it('records the source of a conversion made before records existed, on its next use', async () => {
    rmSync(join(cache, 'converted', `${key}.source.json`));
    expect((await listed())[0]!.source).toBeNull();
    expect((await cli('models')).stdout).toContain(`converted/${key}  from (unknown folder)`);
    const again = await embedWith(checkpoint);
    expect(again.stderr).not.toMatch(/converting/);
    expect((await listed())[0]!.source).toBe(checkpoint);
  });

  it('tolerates a damaged or hostile record: not JSON, huge, a folder, a FIFO-like link, control characters', async () => {
    const record = join(cache, 'converted', `${key}.source.json`);
    const cases: [string, () => void, string | null][] = [
      ['not JSON', () => writeFileSync(record, '{"source": '), null],
      ['not UTF-8', () => writeFileSync(record, Buffer.from([0x7b, 0xff, 0x7d])), null],
      ['huge', () => writeFileSync(record, JSON.stringify({ source: 'x'.repeat(100_000) })), null],
      ['a number', () => writeFileSync(record, JSON.stringify({ source: 7 })), null],
      ['a folder', () => mkdirSync(record), null],
      ['a link to a device', () => symlinkSync('/dev/zero', record), null],
      ['escape sequences', () => writeFileSync(record, JSON.stringify({ source: '/a\u001b[2J\nb\u202e' })), '/a\u001b[2J\nb\u202e'],
    ];
    for (const [what, make, source] of cases) {
      rmSync(record, { recursive: true, force: true });
      make();
      const r = await cli('models');
      expect(r.code, what).toBe(0);
      expect((await listed())[0]!.source, what).toBe(source);
      expect(r.stdout.includes('\u001b') || r.stdout.includes('\u202e'), what).toBe(false);
    }
    expect((await cli('models')).stdout).toContain('from /a\\u001b[2J\\u000ab\\u202e');
    rmSync(record, { recursive: true, force: true });
  });

  it('lists and removes only folders clipseg names: not other folders, not links', async () => {
    const outside = join(work, 'outside');
    mkdirSync(join(outside, 'keep'), { recursive: true });
    mkdirSync(join(cache, 'converted', 'not-a-key'));
    symlinkSync(outside, join(cache, 'converted', 'aaaaaaaaaaaaaaaaaaaa'));
    expect((await listed()).map((c) => c.id)).toEqual([`converted/${key}`]);
    const link = await cli('models', 'rm', 'converted/aaaaaaaaaaaaaaaaaaaa');
    expect(link.code).toBe(1);
    expect(link.stderr).toMatch(/^error\[CLI_INPUT_NOT_FOUND\]/);
    expect((await cli('models', 'rm', 'converted/not-a-key')).code).toBe(1);
    expect((await cli('models', 'rm', 'converted/../outside')).stderr).toMatch(/^error\[HUB_INVALID_REPO_ID\]/);
    expect(existsSync(join(outside, 'keep'))).toBe(true);
    expect(existsSync(join(cache, 'converted', 'not-a-key'))).toBe(true);
  });

  it('rm converted/KEY removes the bundle and its record, never the checkpoint', async () => {
    await embedWith(checkpoint); // writes the record again
    const r = await cli('models', 'rm', `converted/${key}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`removed converted/${key}\n`);
    expect(existsSync(join(cache, 'converted', key))).toBe(false);
    expect(existsSync(join(cache, 'converted', `${key}.source.json`))).toBe(false);
    expect(existsSync(join(checkpoint, 'config.json'))).toBe(true);
    expect(await listed()).toEqual([]);
    expect((await cli('models', 'rm', `converted/${key}`)).stderr).toMatch(/^error\[CLI_INPUT_NOT_FOUND\]/);
  });
});
