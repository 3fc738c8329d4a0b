import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('gives the same result in chunks as in one go', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    const whole = crc32(data);
    for (const cut of [1, 7, 8, 9, 500, 999]) expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(whole);
  });
});
