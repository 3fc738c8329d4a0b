import type { RasterImage } from '@clipseg/processor';
import sharp from 'sharp';
import { ImageError } from './image-error.js';

/** Encodes an 8-bit gray, gray+alpha, RGB or RGBA {@link RasterImage} as PNG bytes. */
export async function encodePng(image: RasterImage): Promise<Uint8Array> {
  if (!(image.data instanceof Uint8Array)) throw new ImageError('IMAGE_ENCODE_FAILED', 'encodePng takes 8-bit images; convert 16-bit data first.');
  try {
    const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
      .png({ compressionLevel: 6 })
      .toBuffer();
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  } catch (error) {
    throw new ImageError('IMAGE_ENCODE_FAILED', `Cannot encode a ${image.width}×${image.height}×${image.channels} image as PNG (${(error as Error).message}).`, { cause: error });
  }
}
