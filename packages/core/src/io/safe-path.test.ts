import { describe, expect, it } from 'vitest';
import { isCLIPSegError } from '../errors.js';
import { checkPathSegment, checkRelativePath, isCommitHash } from './safe-path.js';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isCLIPSegError(error, 'IO_UNSAFE_PATH');
  }
  return false;
};

describe('checkPathSegment', () => {
  it('accepts plain names', () => {
    for (const name of ['model.safetensors', 'a', 'main', 'v1.0', '.hidden', 'é-ü_1']) expect(checkPathSegment(name)).toBe(name);
  });
  it('refuses names that leave or name a folder', () => {
    for (const name of ['', '.', '..', 'a/b', '../x', 'a\\b', 'C:', 'x\u0000y', 'x\ny', 'end.', 'end ', 'a'.repeat(201), 'what?', 'a|b']) {
      expect(refused(() => checkPathSegment(name)), JSON.stringify(name)).toBe(true);
    }
  });
});

describe('checkRelativePath', () => {
  it('splits nested relative names', () => {
    expect(checkRelativePath('onnx/model-00001.safetensors')).toEqual(['onnx', 'model-00001.safetensors']);
  });
  it('refuses absolute, parent, empty and backslash paths', () => {
    for (const path of ['/etc/passwd', '../../../x.safetensors', 'a/../../b', 'a//b', 'a/./b', 'a/', '', '..\\x', 'C:\\x', 'C:/x', 'a'.repeat(1100)]) {
      expect(refused(() => checkRelativePath(path)), JSON.stringify(path)).toBe(true);
    }
  });
});

describe('isCommitHash', () => {
  it('is true only for 40 lower-case hex characters', () => {
    expect(isCommitHash('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    for (const text of ['', 'main', '../../victim', '0123456789ABCDEF0123456789ABCDEF01234567', '0123456789abcdef0123456789abcdef0123456', `${'a'.repeat(40)}/`]) expect(isCommitHash(text)).toBe(false);
  });
});
