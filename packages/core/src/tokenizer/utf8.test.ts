import { describe, expect, it } from 'vitest';
import { decodeUtf8, pushUtf8 } from './utf8.js';

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
    const decoder = new TextDecoder('utf-8');
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let n = 0; n < 2000; n++) {
      const bytes = Array.from({ length: 1 + Math.floor(random() * 10) }, () => (random() < 0.7 ? interesting[Math.floor(random() * interesting.length)]! : Math.floor(random() * 256)));
      expect(decodeUtf8(bytes)).toBe(decoder.decode(new Uint8Array(bytes)));
    }
    const long = new TextEncoder().encode('日本語😀'.repeat(5000));
    expect(decodeUtf8(long)).toBe('日本語😀'.repeat(5000));
  });
});
