import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FORMAT, isCLIPSegError } from '@clipseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDirectoryAtomic } from './write-directory-atomic.js';
import { OUTPUT_MARKER_FILE, outputMarker } from './write-target-guard.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-write-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);
const manifest = bytes(JSON.stringify({ format: BUNDLE_FORMAT, formatVersion: 2 }));
const hidden = () => readdirSync(work).filter((n) => n.startsWith('.'));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return isCLIPSegError(error) ? error.code : `not typed: ${String(error)}`;
  }
}

function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

describe('writeDirectoryAtomic', () => {
  it('writes nested plain names and refuses names that leave the folder', async () => {
    const dir = join(work, 'nested');
    await writeDirectoryAtomic(dir, [['a.json', bytes('{}')], ['onnx/model.onnx', bytes('graph')]]);
    expect(readFileSync(join(dir, 'onnx/model.onnx'), 'utf8')).toBe('graph');
    expect(await codeOf(writeDirectoryAtomic(join(work, 'escape'), [['../escaped.txt', bytes('x')]]))).toBe('IO_UNSAFE_PATH');
    expect(existsSync(join(work, 'escaped.txt')) || existsSync(join(work, 'escape'))).toBe(false);
    expect(hidden()).toEqual([]);
  });

  it('refuses to replace without force, and with force replaces a bundle of ours', async () => {
    const dir = folder('bundle', { 'manifest.json': manifest, 'old.onnx': 'old' });
    expect(await codeOf(writeDirectoryAtomic(dir, [['manifest.json', manifest]]))).toBe('IO_TARGET_EXISTS');
    await writeDirectoryAtomic(dir, [['manifest.json', manifest], ['new.onnx', bytes('new')]], { force: true });
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'new.onnx']);
    expect(hidden()).toEqual([]);
  });

  it('with force, still refuses a folder that is not ours: no manifest, a foreign manifest, a FIFO manifest, a file', async () => {
    const plain = folder('photos', { 'holiday.jpg': 'precious' });
    const foreign = folder('foreign', { 'manifest.json': '{"format":"something-else"}' });
    const fifo = folder('fifo-bundle', {});
    execFileSync('mkfifo', [join(fifo, 'manifest.json')]);
    writeFileSync(join(work, 'a-file'), 'data');
    for (const target of [plain, foreign, fifo, join(work, 'a-file')]) {
      expect(await codeOf(writeDirectoryAtomic(target, [['manifest.json', manifest]], { force: true })), target).toBe('IO_TARGET_EXISTS');
    }
    expect(readFileSync(join(plain, 'holiday.jpg'), 'utf8')).toBe('precious');
    expect(readFileSync(join(work, 'a-file'), 'utf8')).toBe('data');
    expect(hidden()).toEqual([]);
  }, 10_000);

  it('with force, never replaces a folder to keep or one holding it, even a bundle or through a link', async () => {
    const parent = folder('parent-bundle', { 'manifest.json': manifest });
    const source = folder('parent-bundle/source', { 'config.json': '{}', 'manifest.json': manifest });
    symlinkSync(parent, join(work, 'link-to-parent'));
    for (const target of [source, parent, join(work, 'link-to-parent'), join(source, '..')]) {
      expect(await codeOf(writeDirectoryAtomic(target, [['manifest.json', manifest]], { force: true, keep: [source] })), target).toBe('IO_TARGET_EXISTS');
    }
    expect(readFileSync(join(source, 'config.json'), 'utf8')).toBe('{}');
    expect(hidden()).toEqual([]);
  });

  it('with force, replaces only the kind asked for', async () => {
    const checkpoint = folder('random-ckpt', { 'config.json': '{}', [OUTPUT_MARKER_FILE]: outputMarker('random-checkpoint', 'test') });
    expect(await codeOf(writeDirectoryAtomic(checkpoint, [['manifest.json', manifest]], { force: true }))).toBe('IO_TARGET_EXISTS');
    expect(await codeOf(writeDirectoryAtomic(checkpoint, [['config.json', bytes('{"new":1}')]], { force: true, kind: 'single-layout' }))).toBe('IO_TARGET_EXISTS');
    await writeDirectoryAtomic(checkpoint, [['config.json', bytes('{"new":1}')], [OUTPUT_MARKER_FILE, outputMarker('random-checkpoint', 'test')]], { force: true, kind: 'random-checkpoint' });
    expect(readFileSync(join(checkpoint, 'config.json'), 'utf8')).toBe('{"new":1}');
  });

  it('without force, leaves alone a folder that appears while the files are written (the first writer wins)', async () => {
    const dir = join(work, 'race');
    async function* slow(): AsyncIterable<Uint8Array> {
      mkdirSync(dir);
      writeFileSync(join(dir, 'manifest.json'), manifest);
      writeFileSync(join(dir, 'theirs.onnx'), 'theirs');
      yield bytes('mine');
    }
    expect(await codeOf(writeDirectoryAtomic(dir, [['mine.onnx', slow()]]))).toBe('IO_TARGET_EXISTS');
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'theirs.onnx']);
    expect(hidden()).toEqual([]);
  });

  it('reports a 5000-character name and a NUL in the path with codes of ours', async () => {
    expect(await codeOf(writeDirectoryAtomic(join(work, 'x'.repeat(5000)), [['a', bytes('a')]]))).toBe('IO_UNSAFE_PATH');
    expect(await codeOf(writeDirectoryAtomic(join(work, 'a\0b'), [['a', bytes('a')]]))).toBe('IO_UNSAFE_PATH');
    expect(hidden()).toEqual([]);
  });
});
