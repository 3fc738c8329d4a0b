import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, encodeUtf8, isWellFormedUtf16 } from './utf8.js';

describe('utf8', () => {
  it('round-trips text including astral characters', () => {
    const text = 'héllo 猫 🐈';
    expect(decodeUtf8Strict(encodeUtf8(text))).toBe(text);
  });

  it('throws on malformed UTF-8 instead of substituting', () => {
    expect(() => decodeUtf8Strict(Uint8Array.from([0x7b, 0xff, 0x7d]))).toThrow(TypeError);
    expect(() => decodeUtf8Strict(Uint8Array.from([0xc0, 0x80]))).toThrow(TypeError); // overlong NUL
  });

  it('keeps a leading byte-order mark', () => {
    expect(decodeUtf8Strict(Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b]))).toBe('\ufeff{');
  });

  it('detects lone surrogates', () => {
    expect(isWellFormedUtf16('a🐈b')).toBe(true);
    expect(isWellFormedUtf16('a\ud800b')).toBe(false);
    expect(isWellFormedUtf16('\udc00')).toBe(false);
  });
});
