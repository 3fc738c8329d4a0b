import { bytesSource, openSafetensors, ViTImageProcessorConfig, type Tensor } from '@clipseg/core';
import { preprocess, toRgb, type RasterImage } from '@clipseg/processor';
import { describe, expect, it } from 'vitest';
import { describeWithShared } from '@clipseg/core/testing';
import { fetchFixture, fixtureUrl, maxAbsDiff, pillowDecoded } from '../../test/browser-fixtures.js';
import { decodeImage } from './decode-image.js';
import { encodePng, toCanvas, toImageData } from './encode-image.js';
import { jpegExifOrientation } from './exif-orientation.js';

const CIDAS = ViTImageProcessorConfig.fromJSON(
  JSON.stringify({ do_resize: true, size: { height: 352, width: 352 }, resample: 2, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] }),
);

function gradient(width: number, height: number, alpha = 255): RasterImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i * 7) & 255, (i * 13) & 255, (i * 29) & 255, alpha], i * 4);
  return { width, height, channels: 4, data };
}

/** A JPEG of `image` with an APP1 EXIF segment holding `orientation`, inserted after SOI. */
async function jpegWithOrientation(image: RasterImage, orientation: number): Promise<Uint8Array> {
  const canvas = toCanvas(image) as OffscreenCanvas;
  const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 1 })).arrayBuffer());
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

describe('decodeImage sources', () => {
  it('takes ImageData, canvases, ImageBitmaps, <img>, Blobs and bytes, all giving the same pixels', async () => {
    const image = gradient(7, 5);
    const png = await encodePng(image);
    const expected = Array.from(toRgb(image).data);
    const url = URL.createObjectURL(png);
    const img = new Image();
    img.src = url;
    const sources = [toImageData(image), toCanvas(image), await createImageBitmap(png), img, png, new Uint8Array(await png.arrayBuffer()), await png.arrayBuffer(), url];
    for (const source of sources) {
      const decoded = await decodeImage(source);
      expect([decoded.width, decoded.height, decoded.channels]).toEqual([7, 5, 3]);
      expect(Array.from(decoded.data)).toEqual(expected);
    }
    URL.revokeObjectURL(url);
  });

  it('keeps an alpha channel as RGBA (samples as stored where alpha is 255)', async () => {
    const image = gradient(4, 4);
    image.data[3] = 0;
    const decoded = await decodeImage(toImageData(image));
    expect(decoded.channels).toBe(4);
    expect(Array.from(decoded.data.subarray(4))).toEqual(Array.from(image.data.subarray(4)));
  });

  it('undoes the EXIF orientation browsers apply to JPEGs, unless asked to keep it', async () => {
    const jpeg = await jpegWithOrientation(gradient(8, 4), 6);
    expect(jpegExifOrientation(jpeg)).toBe(6);
    const raw = await decodeImage(jpeg);
    expect([raw.width, raw.height]).toEqual([8, 4]);
    const upright = await decodeImage(jpeg, { applyExifOrientation: true });
    expect([upright.width, upright.height]).toEqual([4, 8]);
  });

  it('gives typed errors', async () => {
    await expect(decodeImage(new Blob([]))).rejects.toMatchObject({ code: 'WEB_IMAGE_EMPTY' });
    await expect(decodeImage(new Blob(['not an image']))).rejects.toMatchObject({ code: 'WEB_IMAGE_UNREADABLE' });
    await expect(decodeImage(toImageData(gradient(10, 10)), { maxPixels: 50 })).rejects.toMatchObject({ code: 'WEB_IMAGE_TOO_LARGE' });
    await expect(decodeImage({} as unknown as Blob)).rejects.toMatchObject({ code: 'WEB_IMAGE_UNSUPPORTED' });
    await expect(decodeImage(fixtureUrl('shared/nothing.png'))).rejects.toMatchObject({ code: 'WEB_NOT_FOUND' });
  });
});

describe('encoding', () => {
  it('round-trips an opaque image through a PNG Blob exactly', async () => {
    const image = toRgb(gradient(33, 17));
    const png = await encodePng(image);
    expect(png.type).toBe('image/png');
    expect(Array.from((await decodeImage(png)).data)).toEqual(Array.from(image.data));
  });

  it('draws gray and palette images as RGB', () => {
    const gray: RasterImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([10, 200]) };
    expect(Array.from(toImageData(gray).data)).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const canvas = document.createElement('canvas');
    expect(toCanvas(gray, canvas)).toBe(canvas);
    expect([canvas.width, canvas.height]).toEqual([2, 1]);
  });
});

describeWithShared(`decodeImage against Pillow`, () => {
  for (const name of ['chelsea.png', 'synthetic_random_500x333.png']) {
    it(`${name}: the browser's PNG pixels preprocess to HF's pixel_values exactly`, async () => {
      const decoded = await decodeImage(await fetchFixture(`shared/images/${name}`));
      const reader = await openSafetensors(bytesSource(await fetchFixture(`shared/golden/processor/${name.replace('.png', '')}.safetensors`)));
      const golden = (await reader.read('pixel_values')) as Tensor<'float32'>;
      expect(maxAbsDiff(preprocess([decoded], CIDAS).data, golden.data)).toBe(0);
    });
  }

  it("clipseg_example_image.jpg: Chromium's JPEG decoder against Pillow/libjpeg-turbo", async () => {
    const decoded = await decodeImage(await fetchFixture('shared/images/clipseg_example_image.jpg'));
    const pillow = await pillowDecoded('clipseg_example_image.jpg');
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([pillow.width, pillow.height, 3]);
    let differing = 0;
    for (let i = 0; i < pillow.data.length; i++) if (decoded.data[i] !== pillow.data[i]) differing++;
    const max = maxAbsDiff(decoded.data, pillow.data);
    console.log(`JPEG decode vs Pillow: max |diff| ${max}, ${differing} of ${pillow.data.length} samples differ`);
    expect(max).toBeLessThanOrEqual(JPEG_MAX_STEP);
  });
});

/** Browsers' JPEG decoders may differ from Pillow/libjpeg-turbo by a step; Chromium 156 matches it exactly (measured here). */
const JPEG_MAX_STEP = 0;
