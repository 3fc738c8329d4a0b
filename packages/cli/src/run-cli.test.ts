import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from './command.js';
import { attachOptionValues, type OptionTable } from './parse-options.js';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-run-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(commands: readonly Command[], ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env: {} });
  return { code, stdout, stderr };
}

/** A command that fails the way the file system makes it fail, with real Node errors. */
function failing(name: string, action: () => Promise<unknown>): Command {
  return { name, summary: name, usage: `Usage: clipseg ${name}\n`, run: async () => (await action(), 0) };
}

describe('runCli maps Node errors to codes of ours, keeping nothing of Node’s code', () => {
  beforeAll(() => writeFileSync(join(work, 'a.txt'), 'a'));
  it.each([
    ['a 5000-character file name', () => open(join(work, 'x'.repeat(5000))), 'IO_UNSAFE_PATH'],
    ['a NUL in a path', () => readFile(join(work, 'a\0b')), 'IO_UNSAFE_PATH'],
    ['a rename into a missing folder', () => rename(join(work, 'a.txt'), join(work, 'missing/b.txt')), 'IO_NOT_FOUND'],
    ['a file that is not there', () => readFile(join(work, 'nope.txt')), 'IO_NOT_FOUND'],
  ])('%s', async (_what, action, code) => {
    const r = await cli([failing('fail', action)], 'fail');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]: A file operation`));
    expect(r.stderr).not.toMatch(/error\[(E[A-Z]+|ERR_)/);
    expect(r.stderr.length).toBeLessThan(600);
  });

  it('reports other Node errors as CLI_IO_FAILED and rethrows errors that are bugs', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', errno: -13, syscall: 'open' });
    expect((await cli([failing('fail', () => Promise.reject(denied))], 'fail')).stderr).toMatch(/^error\[CLI_IO_FAILED\]/);
    await expect(cli([failing('bug', () => Promise.reject(new TypeError('x is undefined')))], 'bug')).rejects.toThrow('x is undefined');
  });
});

describe('runCli --help', () => {
  const options = { prompt: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const satisfies OptionTable;
  const echo: Command = {
    name: 'echo',
    summary: 'echo',
    usage: 'Usage: clipseg echo\n',
    options,
    async run(args, io) {
      const { values, positionals } = parseArgs({ args: attachOptionValues(args, options), options, strict: true, allowPositionals: true });
      io.stdout(JSON.stringify({ values, positionals }));
      return 0;
    },
  };

  it('prints the usage only for --help or -h standing as options of their own', async () => {
    expect((await cli([echo], 'echo', '--help')).stdout).toBe('Usage: clipseg echo\n');
    expect((await cli([echo], 'echo', '--json', '-h')).stdout).toBe('Usage: clipseg echo\n');
    for (const argv of [['--prompt', '--help'], ['--prompt', '-h'], ['--prompt=--help'], ['--', '--help']]) {
      const r = await cli([echo], 'echo', ...argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout, argv.join(' ')).not.toMatch(/Usage/);
    }
    expect(JSON.parse((await cli([echo], 'echo', '--prompt', '--help', '--prompt', '-5', '--', '-h')).stdout)).toEqual({ values: { prompt: ['--help', '-5'] }, positionals: ['-h'] });
  });
});

describe('every clipseg command', () => {
  it('declares its options, so a value such as --prompt --help is never taken for a help request', async () => {
    const { commands } = await import('./commands/index.js');
    expect(commands.filter((command) => command.options === undefined).map((command) => command.name)).toEqual([]);
  });
});

describe('a mistyped option', () => {
  it('is answered with the option of that command it is closest to, as a usage error', async () => {
    const { commands } = await import('./commands/index.js');
    const segment = await cli(commands, 'segment', '--promt', 'x');
    expect(segment.code).toBe(2);
    expect(segment.stderr).toMatch(/^error\[CLI_USAGE\]: unknown option '--promt'; did you mean '--prompt'\?\n/);
    expect((await cli(commands, 'run', 'w.json', '--thraeds', '2')).stderr).toMatch(/^error\[CLI_USAGE\]: unknown option '--thraeds'; did you mean '--threads'\?/);
    expect((await cli(commands, 'models', '--frobnicate')).stderr).toMatch(/^error\[CLI_USAGE\]: unknown option '--frobnicate'\.\n/);
  });
});

describe('--help of the commands that take --model', () => {
  it('says everything --model accepts, from the one shared text', async () => {
    const { commands } = await import('./commands/index.js');
    const { CHECKPOINT_MODEL_HELP, MODEL_OPTION_HELP } = await import('./model-help.js');
    for (const text of [MODEL_OPTION_HELP, CHECKPOINT_MODEL_HELP]) {
      for (const word of ['CHECKPOINT_DIR', 'OWNER/NAME[@REVISION]', "'clipseg pull", '--offline', 'HF_HUB_OFFLINE', 'HF_ENDPOINT', 'HF_TOKEN', 'CLIPSEG_CACHE']) {
        expect(text).toContain(word);
      }
    }
    expect(MODEL_OPTION_HELP).toContain('BUNDLE_DIR');
    const withModel = commands.filter((c) => c.options !== undefined && Object.hasOwn(c.options, 'model')).map((c) => c.name);
    expect(withModel.sort()).toEqual(['embed', 'finetune', 'grad', 'preprocess', 'run', 'segment', 'tokenize']);
    for (const name of ['segment', 'embed', 'preprocess', 'run']) {
      const r = await cli(commands, name, '--help');
      expect(r.stdout, name).toContain(MODEL_OPTION_HELP);
      expect(r.stdout, name).toMatch(/--model MODEL +.*bundle, HF checkpoint folder or pulled/);
    }
    expect((await cli(commands, 'finetune', '--help')).stdout).toContain(CHECKPOINT_MODEL_HELP);
  });
});
