/**
 * Fuzzing `decodeImage` (sharp/libvips) with arbitrary bytes and mutated PNG, JPEG, WebP, GIF and TIFF files (see
 * docs/fuzzing.md): bytes in, a valid `RasterImage` or an `IMAGE_*` error out, never more pixels than the limit;
 * and a PNG decodes to exactly the pixels libvips reads from it. A header claiming a huge size is refused from the
 * header, before anything that size is decoded.
 */
import { crc32 } from 'node:zlib';
import { checkRasterImage } from '@clipseg/processor';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { fuzzIt, INTERESTING_INTEGERS, mutatedBytes, typedOutcomeAsync } from '../../../../fuzz/index.js';
import { decodeImage } from '../image/decode-image.js';

const CODES = 'IMAGE_';
const MAX_PIXELS = 1 << 20;

type Format = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff';
const FORMATS: readonly Format[] = ['png', 'jpeg', 'webp', 'gif', 'tiff'];

async function encode(format: Format, width: number, height: number, channels: 1 | 2 | 3 | 4, seed: number): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i + seed, 2654435761) >>> 24) & 0xff;
  const buffer = await sharp(data, { raw: { width, height, channels } }).toFormat(format).toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Small valid files of every format, sizes and channel counts (made once: sharp encodes asynchronously). */
const corpus: Uint8Array[] = await Promise.all(
  FORMATS.flatMap((format, f) => [
    encode(format, 1, 1, 3, f),
    encode(format, 7, 5, 1, f + 1),
    encode(format, 16, 9, 4, f + 2),
    encode(format, 33, 17, 2, f + 3),
  ]),
);

/** Decodes `bytes`: a typed error, or an image that is valid and within the pixel limit. */
async function check(bytes: Uint8Array): Promise<void> {
  const outcome = await typedOutcomeAsync(() => decodeImage(bytes, { maxPixels: MAX_PIXELS }), CODES);
  if (!outcome.ok) return;
  const image = outcome.value;
  checkRasterImage(image);
  expect(image.width * image.height).toBeLessThanOrEqual(MAX_PIXELS);
}

/** A PNG whose IHDR claims `width` × `height`, with a correct CRC so that only the size is wrong. */
function pngClaiming(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = png.slice();
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

describe('image decoding fuzzing', () => {
  fuzzIt(
    'a PNG decodes to the size it was written at and the pixels libvips reads',
    40,
    fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4), fc.integer(), async (width, height, channels, seed) => {
      const png = await encode('png', width, height, channels, seed);
      const image = await decodeImage(png);
      const { data: expected, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect({ width: image.width, height: image.height, channels: image.channels }).toEqual({ width, height, channels: info.channels });
      expect(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).equals(expected)).toBe(true);
    }),
  );
  fuzzIt('arbitrary bytes', 150, fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 512 }), check));
  fuzzIt('bit flips, truncations, splices and huge integers in valid files', 300, fc.asyncProperty(mutatedBytes(fc.constantFrom(...corpus), 4), check));
  fuzzIt(
    'a PNG header claiming any size: refused (too large) or decoded within the limit, quickly',
    60,
    fc.asyncProperty(
      fc.constantFrom(...INTERESTING_INTEGERS.map((v) => Number(BigInt.asUintN(32, v)))),
      fc.constantFrom(...INTERESTING_INTEGERS.map((v) => Number(BigInt.asUintN(32, v)))),
      async (width, height) => check(pngClaiming(corpus[1]!, width, height)),
    ),
  );
});
