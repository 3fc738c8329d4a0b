import { join, resolve } from 'node:path';
import { isCLIPSegError } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { joinInside } from './checked-join.js';

describe('joinInside', () => {
  it('joins plain relative names under the root', () => {
    expect(joinInside('/tmp/cache', 'snapshots/abc/model.safetensors')).toBe(join(resolve('/tmp/cache'), 'snapshots', 'abc', 'model.safetensors'));
  });
  it('refuses every name that would leave the root', () => {
    for (const name of ['../victim', '../../../x.safetensors', '/etc/passwd', 'a/../../b', '..', '.', '', 'a\\..\\..\\b', 'x\u0000']) {
      let code: string | undefined;
      try {
        joinInside('/tmp/cache', name);
      } catch (error) {
        code = isCLIPSegError(error) ? error.code : 'other';
      }
      expect(code, JSON.stringify(name)).toBe('IO_UNSAFE_PATH');
    }
  });
});
