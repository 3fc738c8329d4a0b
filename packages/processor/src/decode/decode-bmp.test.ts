import { describe, expect, it } from 'vitest';
import { compareBytes, fixtureBytes, pillowFixtures, pillowRgb } from '../../test/pillow-fixtures.js';
import { toRgb } from '../image/to-rgb.js';
import { decodeBmp, isBmp } from './decode-bmp.js';

describe('decodeBmp against Pillow 9.4', () => {
  const cases = pillowFixtures('bmp-');
  it('has the fixtures', () => expect(cases.length).toBeGreaterThan(25));
  for (const [name, pillow] of cases) {
    if (pillow.error !== undefined) {
      it(`${name}: refused, as Pillow refuses it (${pillow.error})`, () => {
        expect(() => decodeBmp(fixtureBytes(name))).toThrow(expect.objectContaining({ code: pillow.error!.startsWith('ValueError') ? 'DECODE_MALFORMED' : 'DECODE_UNSUPPORTED' }));
      });
    } else {
      it(`${name} (Pillow mode ${pillow.mode}): the same RGB as Image.open(p).convert('RGB')`, () => {
        const image = decodeBmp(fixtureBytes(name));
        expect([image.width, image.height]).toEqual([pillow.width, pillow.height]);
        expect(compareBytes(toRgb(image).data, pillowRgb(pillow))).toEqual({ max: 0, differing: 0 });
      });
    }
  }
});

describe('decodeBmp on malformed files', () => {
  const good = fixtureBytes('bmp-24bit.bmp');
  const patched = (at: number, value: number, bytes = 4) => {
    const copy = good.slice();
    const view = new DataView(copy.buffer);
    if (bytes === 4) view.setUint32(at, value, true);
    else view.setUint16(at, value, true);
    return copy;
  };
  it.each([
    ['not a BMP', new Uint8Array([1, 2, 3]), 'DECODE_MALFORMED'],
    ['only the file header', good.subarray(0, 20), 'DECODE_MALFORMED'],
    ['a truncated pixel array', good.subarray(0, good.length - 40), 'DECODE_MALFORMED'],
    ['pixels past the end of the file', patched(10, 1 << 30), 'DECODE_MALFORMED'],
    ['an unknown header size', patched(14, 200), 'DECODE_UNSUPPORTED'],
    ['zero width', patched(18, 0), 'DECODE_EMPTY'],
    ['a huge size', patched(18, 0x7fffffff), 'DECODE_TOO_LARGE'],
    ['32 bits with unknown masks', patched(30, 3), 'DECODE_UNSUPPORTED'],
  ])('refuses %s', (_, bytes, code) => {
    expect(() => decodeBmp(bytes)).toThrow(expect.objectContaining({ code }));
  });

  it('applies maxPixels before allocating', () => {
    expect(() => decodeBmp(good, { maxPixels: 90 })).toThrow(expect.objectContaining({ code: 'DECODE_TOO_LARGE' }));
    expect(decodeBmp(good, { maxPixels: 91 }).width).toBe(13);
  });

  it('refuses a palette truncated by the end of the file', () => {
    const bytes = fixtureBytes('bmp-8bit.bmp');
    expect(() => decodeBmp(bytes.subarray(0, 300))).toThrow(expect.objectContaining({ code: 'DECODE_MALFORMED' }));
  });

  it('sniffs the signature', () => {
    expect(isBmp(good)).toBe(true);
    expect(isBmp(new Uint8Array([0x42]))).toBe(false);
  });
});
