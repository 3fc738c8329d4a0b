import { describe, expect, it } from 'vitest';
import { compareBytes, fixtureBytes, pillowFixtures, pillowRgb } from '../../test/pillow-fixtures.js';
import { toRgb } from '../image/to-rgb.js';
import { decodeGif, isGif } from './decode-gif.js';

describe('decodeGif against Pillow 9.4', () => {
  const cases = pillowFixtures('gif-');
  it('has the fixtures', () => expect(cases.length).toBeGreaterThan(8));
  for (const [name, pillow] of cases) {
    if (pillow.error !== undefined) {
      it(`${name}: refused, as Pillow refuses it (${pillow.error})`, () => {
        expect(() => decodeGif(fixtureBytes(name))).toThrow(expect.objectContaining({ code: 'DECODE_MALFORMED' }));
      });
    } else {
      it(`${name} (Pillow mode ${pillow.mode}): the same RGB as Image.open(p).convert('RGB')`, () => {
        const image = decodeGif(fixtureBytes(name));
        expect([image.width, image.height]).toEqual([pillow.width, pillow.height]);
        expect(compareBytes(toRgb(image).data, pillowRgb(pillow))).toEqual({ max: 0, differing: 0 });
      });
    }
  }
});

describe('decodeGif on malformed files', () => {
  const good = fixtureBytes('gif-transparent.gif');
  it.each([
    ['not a GIF', new TextEncoder().encode('GIF88a and more'), 'DECODE_MALFORMED'],
    ['only a header', good.subarray(0, 13), 'DECODE_MALFORMED'],
    ['a cut colour table', good.subarray(0, 20), 'DECODE_MALFORMED'],
    ['a trailer and no image', Uint8Array.from([...good.subarray(0, 13 + 48), 0x3b]), 'DECODE_MALFORMED'],
  ])('refuses %s', (_, bytes, code) => {
    expect(() => decodeGif(bytes)).toThrow(expect.objectContaining({ code }));
  });

  it('checks maxPixels from the header', () => {
    expect(() => decodeGif(good, { maxPixels: 90 })).toThrow(expect.objectContaining({ code: 'DECODE_TOO_LARGE' }));
  });

  it('refuses an LZW code that is not yet in the table', () => {
    const bytes = good.slice();
    const start = bytes.indexOf(0x2c, 13 + 48) + 10; // after the image descriptor: the code size, then sub-blocks
    expect(bytes[start]).toBe(8); // 9-bit codes at first
    bytes.fill(0xff, start + 2, start + 2 + bytes[start + 1]!); // every code 511: past the table
    expect(() => decodeGif(bytes)).toThrow(expect.objectContaining({ code: 'DECODE_MALFORMED', message: expect.stringContaining('broken LZW data') }));
  });

  it('sniffs the signature', () => {
    expect(isGif(good)).toBe(true);
    expect(isGif(new TextEncoder().encode('GIF87a'))).toBe(true);
    expect(isGif(new TextEncoder().encode('GIF8'))).toBe(false);
  });
});
