import { describe, expect, it } from 'vitest';
import { hash53 } from './hash53.js';

describe('hash53', () => {
  it('is a stable 53-bit hash that depends on the seed', () => {
    expect(hash53('a')).toBe(hash53('a'));
    expect(hash53('a', 1)).not.toBe(hash53('a', 2));
    expect(hash53('a', 2 ** 40)).not.toBe(hash53('a', 0));
    expect(hash53('cat', 7)).toBeLessThan(2 ** 53);
    expect(hash53('cat', 7)).toBe(hash53('cat', 7));
  });
});
