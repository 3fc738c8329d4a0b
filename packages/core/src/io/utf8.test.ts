import { describe, expect, it } from 'vitest';
import { decodeUtf8, decodeUtf8OrLatin1, decodeUtf8Strict, encodeUtf8, isWellFormedUtf16, pushUtf8, tryDecodeUtf8 } from './utf8.js';

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
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b]))).toBe('\ufeff{');
  });

  it('tryDecodeUtf8 returns undefined for malformed UTF-8, the text otherwise', () => {
    expect(tryDecodeUtf8(Uint8Array.from([0x7b, 0xff, 0x7d]))).toBeUndefined();
    expect(tryDecodeUtf8(encodeUtf8('猫 🐈'))).toBe('猫 🐈');
  });

  it('decodeUtf8OrLatin1 falls back to one code point per byte for malformed UTF-8', () => {
    expect(decodeUtf8OrLatin1(encodeUtf8('naïve.pkl'))).toBe('naïve.pkl');
    expect(decodeUtf8OrLatin1(Uint8Array.from([0x6e, 0x61, 0xef, 0x76, 0x65]))).toBe('na\u00efve');
  });

  it('detects lone surrogates', () => {
    expect(isWellFormedUtf16('a🐈b')).toBe(true);
    expect(isWellFormedUtf16('a\ud800b')).toBe(false);
    expect(isWellFormedUtf16('\udc00')).toBe(false);
  });
});

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}

describe('UTF-8 codecs', () => {
  it('encodes like TextEncoder, lone surrogates included', () => {
    const pieces = ['a', 'é', '€', '😀', '\ud83d', '\ude00', '\u0000', '\uffff', '\u{10ffff}', 'z'];
    for (let n = 0; n < 500; n++) {
      let text = '';
      for (let i = 0; i < 8; i++) text += pieces[Math.floor(random() * pieces.length)];
      const out: number[] = [];
      pushUtf8(text, out);
      expect(out).toEqual(Array.from(new TextEncoder().encode(text)));
    }
  });

  it('decodes like TextDecoder in replacement mode, on random and edge bytes', () => {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let n = 0; n < 2000; n++) {
      const bytes = Array.from({ length: 1 + Math.floor(random() * 10) }, () => (random() < 0.7 ? interesting[Math.floor(random() * interesting.length)]! : Math.floor(random() * 256)));
      expect(decodeUtf8(bytes)).toBe(decoder.decode(new Uint8Array(bytes)));
    }
    const long = new TextEncoder().encode('日本語😀'.repeat(5000));
    expect(decodeUtf8(long)).toBe('日本語😀'.repeat(5000));
  });
});
