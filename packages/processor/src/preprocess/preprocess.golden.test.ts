import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ViTImageProcessorConfig } from '@clipseg/core';
import { expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { compare, openSafetensorsFile } from '../../test/golden-files.js';
import { inflateSync } from 'node:zlib';
import { decodePng } from '../decode/decode-png.js';
import type { RasterImage } from '../index.js';
import { preprocess } from './preprocess.js';

const shared = sharedDir();

describeWithShared('preprocess matches HF ViTImageProcessor golden pixel_values', () => {
  const golden = join(shared, 'golden');
  const configFile = join(golden, 'clipseg-tiny-refined', 'preprocessor_config.json');

  async function check(name: string, image: RasterImage): Promise<void> {
    const config = ViTImageProcessorConfig.fromJSON(await readFile(configFile, 'utf8'));
    const reader = await openSafetensorsFile(join(golden, 'processor', `${name}.safetensors`));
    const expected = await reader.readFloat32('pixel_values');
    const actual = preprocess([image], config);
    expect(actual.dims).toEqual([1, 3, 352, 352]);
    const { maxDiff, differing } = compare(actual.data, expected);
    console.info(`${name}: max |diff| ${maxDiff}, ${differing} of ${expected.length} values differ`);
    expect({ maxDiff, differing }).toEqual({ maxDiff: 0, differing: 0 });
  }

  it('chelsea.png (451 × 300, decoded here)', async () => {
    const image = await decodePng(await readFile(join(shared, 'images', 'chelsea.png')), async (zlib) => inflateSync(zlib));
    expect([image.width, image.height, image.channels]).toEqual([451, 300, 3]);
    await check('chelsea', image);
  });

  it('synthetic_random_500x333.png (decoded here)', async () => {
    const image = await decodePng(await readFile(join(shared, 'images', 'synthetic_random_500x333.png')), async (zlib) => inflateSync(zlib));
    expect([image.width, image.height, image.channels]).toEqual([500, 333, 3]);
    await check('synthetic_random_500x333', image);
  });

  it('clipseg_example_image.jpg (365 × 365, from its Pillow-decoded decoded_rgb)', async () => {
    const reader = await openSafetensorsFile(join(golden, 'processor', 'clipseg_example_image.safetensors'));
    const decoded = await reader.read('decoded_rgb');
    expect(decoded.dims).toEqual([365, 365, 3]);
    await check('clipseg_example_image', { width: 365, height: 365, channels: 3, data: decoded.data as Uint8Array });
  });
});
