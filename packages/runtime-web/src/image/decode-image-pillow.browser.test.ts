// decodeImage in Chromium against Pillow 9.4's Image.open(p).convert('RGB') on the fixtures of
// packages/processor/test/fixtures/pillow (made by its gen-fixtures.py). Residual differences are the browser's own
// decoders' and are listed, measured, in the runtime-web README.
import { toRgb } from '@clipseg/processor';
import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { decodeImage } from './decode-image.js';

const DIR = 'packages/processor/test/fixtures/pillow/';
const base64Bytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const expected = JSON.parse(await commands.readFile(`${DIR}expected.json`)) as Record<string, { mode?: string; width?: number; height?: number; rgb?: string; error?: string }>;

/** Chromium converts CMYK JPEGs with its own rounding: at most one level from Pillow's formula (measured). */
const CMYK_JPEG_MAX_STEP = 1;
/** Chromium's WebP decoder premultiplies alpha: RGB under partial transparency moves (50 levels on this fixture). */
const WEBP_ALPHA_MAX_STEP = 50;

function compare(actual: ArrayLike<number>, reference: ArrayLike<number>): { max: number; differing: number } {
  expect(actual.length).toBe(reference.length);
  let max = 0;
  let differing = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(actual[i]! - reference[i]!);
    if (d > 0) differing++;
    max = Math.max(max, d);
  }
  return { max, differing };
}

describe("decodeImage + toRgb in Chromium against Pillow 9.4's convert('RGB')", () => {
  it('has the fixtures', () => expect(Object.keys(expected).length).toBeGreaterThan(60));
  for (const [name, pillow] of Object.entries(expected)) {
    const load = async () => base64Bytes(await commands.readFile(DIR + name, 'base64'));
    if (name.endsWith('.tif')) {
      it(`${name}: refused (browsers do not decode TIFF)`, async () => {
        await expect(decodeImage(await load())).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
      });
    } else if (pillow.error !== undefined) {
      it(`${name}: refused, as Pillow refuses it (${pillow.error})`, async () => {
        await expect(decodeImage(await load())).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
      });
    } else {
      const bound = name.startsWith('cmyk-') ? CMYK_JPEG_MAX_STEP : name === 'webp-rgba.webp' ? WEBP_ALPHA_MAX_STEP : 0;
      it(`${name} (Pillow mode ${pillow.mode}): ${bound === 0 ? 'exact' : `within ${bound} (the browser's decoder)`}`, async () => {
        const image = toRgb(await decodeImage(new Blob([(await load()) as Uint8Array<ArrayBuffer>])));
        expect([image.width, image.height]).toEqual([pillow.width, pillow.height]);
        const { max, differing } = compare(image.data, base64Bytes(pillow.rgb!));
        if (bound > 0) console.log(`${name}: max |diff| ${max}, ${differing} of ${image.data.length} samples differ`);
        expect(max).toBeLessThanOrEqual(bound);
        if (bound > 0) expect(max).toBeGreaterThan(0); // still a residual: if this fails, the README can drop it
      });
    }
  }
});

describe('built-in decoders in the browser', () => {
  it('gives typed errors for malformed PNG, GIF and BMP bytes', async () => {
    const png = base64Bytes(await commands.readFile(`${DIR}png-rgba.png`, 'base64'));
    await expect(decodeImage(png.subarray(0, 60))).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
    const corrupt = png.slice();
    corrupt.fill(0x55, 45, 80); // inside the zlib stream of the IDAT chunk
    await expect(decodeImage(corrupt)).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
    await expect(decodeImage(png, { maxPixels: 90 })).rejects.toMatchObject({ code: 'WEB_IMAGE_TOO_LARGE' });
    const bmp = base64Bytes(await commands.readFile(`${DIR}bmp-24bit.bmp`, 'base64'));
    await expect(decodeImage(bmp.subarray(0, 100))).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
    await expect(decodeImage(new TextEncoder().encode('GIF89a'))).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
  });
});
