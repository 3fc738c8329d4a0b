import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCLIPSegError } from '@clipseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFileSet } from './directory-file-set.js';
import { MAX_CONFIG_BYTES, maxReadBytes, MAX_VOCABULARY_BYTES, MAX_WHOLE_FILE_BYTES } from './read-limits.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-dir-set-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    return value === undefined ? 'undefined' : 'read';
  } catch (error) {
    return isCLIPSegError(error) ? error.code : `not typed: ${String(error)}`;
  }
}

describe('directoryFileSet', () => {
  beforeAll(() => {
    mkdirSync(join(work, 'b/onnx'), { recursive: true });
    writeFileSync(join(work, 'b/config.json'), '{}');
    writeFileSync(join(work, 'b/onnx/model.onnx'), 'graph');
    writeFileSync(join(work, 'b/preprocessor_config.json'), Buffer.alloc(MAX_CONFIG_BYTES + 1, 32));
    symlinkSync('/dev/zero', join(work, 'b/vocab.json'));
    execFileSync('mkfifo', [join(work, 'b/merges.txt')]);
    mkdirSync(join(work, 'b/tokenizer.json'));
    writeFileSync(join(work, 'secret.json'), '{}');
  });

  it('reads regular files, nested names included, and gives undefined for a missing one', async () => {
    const files = directoryFileSet(join(work, 'b'));
    expect(new TextDecoder().decode(await files.readBytes('config.json'))).toBe('{}');
    expect(new TextDecoder().decode(await files.readBytes('onnx/model.onnx'))).toBe('graph');
    expect(await files.readBytes('missing.json')).toBeUndefined();
    expect(await files.open!('missing.onnx')).toBeUndefined();
  });

  it('refuses devices, FIFOs, folders and oversize configs without reading them', async () => {
    const files = directoryFileSet(join(work, 'b'));
    expect(await codeOf(files.readBytes('vocab.json'))).toBe('IO_NOT_A_FILE');
    expect(await codeOf(files.readBytes('merges.txt'))).toBe('IO_NOT_A_FILE');
    expect(await codeOf(files.readBytes('tokenizer.json'))).toBe('IO_NOT_A_FILE');
    expect(await codeOf(files.readBytes('preprocessor_config.json'))).toBe('IO_TOO_LARGE');
  }, 10_000);

  it('keeps every name inside the folder', async () => {
    const files = directoryFileSet(join(work, 'b'));
    for (const name of ['../secret.json', '/etc/passwd', 'onnx/../../secret.json']) {
      expect(await codeOf(files.readBytes(name)), name).toBe('IO_UNSAFE_PATH');
      expect(await codeOf(Promise.resolve().then(() => files.open!(name))), name).toBe('IO_UNSAFE_PATH');
      expect(() => files.filePath!(name)).toThrow(/does not stay inside|plain relative name/);
    }
  });

  it('picks the read limit by the kind of file', () => {
    expect(['config.json', 'manifest.json', 'tokenizer_config.json', 'model.safetensors.index.json'].map(maxReadBytes)).toEqual(Array(4).fill(MAX_CONFIG_BYTES));
    expect(['tokenizer.json', 'vocab.json', 'merges.txt'].map(maxReadBytes)).toEqual(Array(3).fill(MAX_VOCABULARY_BYTES));
    expect(['pytorch_model.bin', 'onnx/decoder.onnx'].map(maxReadBytes)).toEqual([MAX_WHOLE_FILE_BYTES, MAX_WHOLE_FILE_BYTES]);
  });
});
