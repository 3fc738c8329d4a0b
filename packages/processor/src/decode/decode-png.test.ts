import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareBytes, fixtureBytes, pillowFixtures, pillowRgb } from '../../test/pillow-fixtures.js';
import { toRgb } from '../image/to-rgb.js';
import { decodePng, isPng, readPngHeader } from './decode-png.js';

const inflate = async (zlib: Uint8Array, maxLength: number) => new Uint8Array(inflateSync(zlib, { maxOutputLength: Math.max(1, maxLength) }));

describe('decodePng against Pillow 9.4', () => {
  const cases = pillowFixtures('png');
  it('has the fixtures', () => expect(cases.length).toBeGreaterThan(14));
  for (const [name, pillow] of cases) {
    it(`${name} (Pillow mode ${pillow.mode}): the same RGB as Image.open(p).convert('RGB')`, async () => {
      const image = await decodePng(fixtureBytes(name), inflate);
      expect([image.width, image.height]).toEqual([pillow.width, pillow.height]);
      expect(compareBytes(toRgb(image).data, pillowRgb(pillow))).toEqual({ max: 0, differing: 0 });
    });
  }
});

describe('decodePng on malformed files', () => {
  const good = fixtureBytes('png-rgba.png');
  it('reads the header', () => {
    expect(isPng(good)).toBe(true);
    expect(readPngHeader(good)).toEqual({ width: 13, height: 7, bitDepth: 8, colorType: 6, interlaced: false });
    expect(readPngHeader(good.subarray(0, 20))).toBeUndefined();
  });

  it.each([
    ['not a PNG', new Uint8Array(40), 'DECODE_MALFORMED'],
    ['a cut file', good.subarray(0, good.length - 30), 'DECODE_MALFORMED'],
    ['a forbidden depth', Uint8Array.from(good, (b, i) => (i === 24 ? 4 : b)), 'DECODE_MALFORMED'],
    ['zero width', Uint8Array.from(good, (b, i) => (i >= 16 && i < 20 ? 0 : b)), 'DECODE_EMPTY'],
  ])('refuses %s', async (_, bytes, code) => {
    await expect(decodePng(bytes, inflate)).rejects.toMatchObject({ code });
  });

  it('checks maxPixels before inflating', async () => {
    let inflated = false;
    const spy = async (z: Uint8Array, n: number) => ((inflated = true), inflate(z, n));
    await expect(decodePng(good, spy, { maxPixels: 90 })).rejects.toMatchObject({ code: 'DECODE_TOO_LARGE' });
    expect(inflated).toBe(false);
  });

  it('refuses image data that inflates short', async () => {
    await expect(decodePng(good, async (z, n) => (await inflate(z, n)).subarray(0, 50))).rejects.toMatchObject({ code: 'DECODE_MALFORMED' });
  });
});
