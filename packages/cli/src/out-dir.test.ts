import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutDir } from './out-dir.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-out-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('prepareOutDir', () => {
  it('creates the folder and its parents, and accepts one that exists', async () => {
    const dir = join(work, 'a/b/c');
    await prepareOutDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    await prepareOutDir(dir);
  });

  it('refuses a file, and a folder under a file, with CLI_OUTPUT_UNWRITABLE naming --out', async () => {
    writeFileSync(join(work, 'file'), 'x');
    await expect(prepareOutDir(join(work, 'file'))).rejects.toMatchObject({ code: 'CLI_OUTPUT_UNWRITABLE', message: expect.stringMatching(/\(it is a file\); choose another --out\.$/) });
    await expect(prepareOutDir(join(work, 'file/sub'))).rejects.toMatchObject({ code: 'CLI_OUTPUT_UNWRITABLE' });
    expect(existsSync(join(work, 'file/sub'))).toBe(false);
  });
});

describe('the default --out folder', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  it.skipIf(!existsSync(join(root, '.git')))('is clipseg-out for segment and run, and git ignores it here and in any folder below', async () => {
    const { commands } = await import('./commands/index.js');
    for (const name of ['segment', 'run']) expect(commands.find((c) => c.name === name)!.options!.out!.default, name).toBe('clipseg-out');
    const ignored = (path: string) => {
      try {
        execFileSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: root, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored('clipseg-out/example.0-a-cat.mask.png')).toBe(true);
    expect(ignored('packages/cli/clipseg-out/example.json')).toBe(true);
    expect(ignored('packages/cli/src/out-dir.ts')).toBe(false);
  });
});
