import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const shared = sharedDir();
const repoRoot = inject('repoRoot');

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repoRoot, env: {} });
  return { code, stdout, stderr };
}

describe('clipseg tokenize: usage errors', () => {
  it('needs a text', async () => {
    const r = await cli('tokenize', '--bpe', 'x.gz');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[CLI_USAGE\]: Give at least one TEXT/);
  });
  it('needs exactly one vocabulary', async () => {
    expect((await cli('tokenize', 'a cat')).stderr).toMatch(/exactly one vocabulary/);
    expect((await cli('tokenize', '--bpe', 'a', '--model', 'b', 'a cat')).code).toBe(2);
  });
  it('rejects bad option values and unknown options', async () => {
    expect((await cli('tokenize', '--bpe', 'a', '--padding', 'wide', 'x')).stderr).toMatch(/--padding must be/);
    expect((await cli('tokenize', '--bpe', 'a', '--max-length', '0', 'x')).stderr).toMatch(/--max-length must be a positive integer/);
    expect((await cli('tokenize', '--bpe', 'a', '--frobnicate', 'x')).code).toBe(2);
  });
  it('reports missing inputs with typed codes', async () => {
    const bpe = await cli('tokenize', '--bpe', '/nonexistent/bpe.txt.gz', 'x');
    expect(bpe.code).toBe(1);
    expect(bpe.stderr).toMatch(/^error\[CLI_INPUT_NOT_FOUND\]/);
    expect((await cli('tokenize', '--model', '/nonexistent', 'x')).stderr).toMatch(/^error\[CLI_INPUT_NOT_FOUND\].*not a directory/);
    const empty = mkdtempSync(join(tmpdir(), 'clipseg-empty-'));
    try {
      expect((await cli('tokenize', '--model', empty, 'x')).stderr).toMatch(/^error\[TOKENIZER_FILES_MISSING\]/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
  it('refuses vocabulary files that are FIFOs or devices instead of reading them forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipseg-hostile-vocab-'));
    try {
      mkdirSync(join(dir, 'zero'));
      symlinkSync('/dev/zero', join(dir, 'zero/vocab.json'));
      writeFileSync(join(dir, 'zero/merges.txt'), '#version: 0.2\n');
      mkdirSync(join(dir, 'fifo'));
      execFileSync('mkfifo', [join(dir, 'fifo/tokenizer.json')]);
      execFileSync('mkfifo', [join(dir, 'bpe.txt.gz')]);
      for (const args of [['--model', join(dir, 'zero')], ['--model', join(dir, 'fifo')], ['--bpe', join(dir, 'bpe.txt.gz')]]) {
        const r = await cli('tokenize', ...args, 'x');
        expect(r.stderr, args.join(' ')).toMatch(/^error\[IO_NOT_A_FILE\]/);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  }, 10_000);
  it('prints help', async () => {
    expect((await cli('tokenize', '--help')).stdout).toMatch(/^Usage: clipseg tokenize/);
    expect((await cli('--help')).stdout).toMatch(/tokenize/);
    expect((await cli('nope')).code).toBe(2);
  });
});

describeWithShared('clipseg tokenize on the real CLIP vocabulary', () => {
  const cases = shared
    ? (JSON.parse(readFileSync(join(shared, 'golden/tokenizer/cases.json'), 'utf8')) as { cases: { id: number; text: string; fast_emulated_ids: number[] }[] }).cases
    : [];
  const model = join(shared, 'golden/clipseg-tiny-refined');
  const bpe = join(shared, 'clip-bpe/bpe_simple_vocab_16e6.txt.gz');

  it('pads a batch to the longest row with eos and a zero mask (--model)', async () => {
    const r = await cli('tokenize', '--model', model, 'a cat', 'a glass of water on a wooden table');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { input_ids: number[][]; attention_mask: number[][] };
    expect(out.input_ids[0]).toEqual([49406, 320, 2368, 49407, 49407, 49407, 49407, 49407, 49407, 49407]);
    expect(out.attention_mask[0]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(out.attention_mask[1]).toEqual(Array(10).fill(1));
  });

  it('matches every golden case with --bpe and max_length padding', async () => {
    const texts = cases.map((c) => c.text);
    const r = await cli('tokenize', '--bpe', bpe, '--padding', 'max_length', ...texts);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { input_ids: number[][]; attention_mask: number[][] };
    cases.forEach((c, i) => {
      const want = c.fast_emulated_ids.length > 77 ? [...c.fast_emulated_ids.slice(0, 76), 49407] : c.fast_emulated_ids;
      expect(out.input_ids[i]!.slice(0, want.length), `case ${c.id}`).toEqual(want);
      expect(out.input_ids[i]).toHaveLength(77);
      expect(out.attention_mask[i]!.reduce((a, b) => a + b, 0)).toBe(want.length);
    });
  });

  it('reads tokenizer.json from a model folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipseg-tokjson-'));
    try {
      const vocab = JSON.parse(readFileSync(join(model, 'vocab.json'), 'utf8')) as Record<string, number>;
      const merges = readFileSync(join(model, 'merges.txt'), 'utf8').split('\n').slice(1).filter(Boolean);
      writeFileSync(
        join(dir, 'tokenizer.json'),
        JSON.stringify({
          added_tokens: [
            { id: 49406, content: '<|startoftext|>', special: true, normalized: true },
            { id: 49407, content: '<|endoftext|>', special: true, normalized: false },
          ],
          model: { type: 'BPE', vocab, merges, end_of_word_suffix: '</w>', continuing_subword_prefix: '' },
        }),
      );
      writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 77, pad_token: '<|endoftext|>' }));
      const r = await cli('tokenize', '--model', dir, 'a cat');
      expect(JSON.parse(r.stdout)).toEqual({ input_ids: [[49406, 320, 2368, 49407]], attention_mask: [[1, 1, 1, 1]] });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('runs as a process through the root `pnpm clipseg` entry (node + tsx from sources)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=clipseg-source', '--import', 'tsx', 'packages/cli/src/main.ts', 'tokenize', '--bpe', bpe, 'a cat'],
      { cwd: repoRoot },
    );
    expect(JSON.parse(stdout)).toEqual({ input_ids: [[49406, 320, 2368, 49407]], attention_mask: [[1, 1, 1, 1]] });
  });
});

