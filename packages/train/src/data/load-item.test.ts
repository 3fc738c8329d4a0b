import { memoryFileSet } from '@clipseg/core';
import type { RasterImage } from '@clipseg/processor';
import { describe, expect, it } from 'vitest';
import type { CocoDatasetItem, FolderDatasetItem } from './dataset-item.js';
import { checkDatasetImages, loadDatasetItem, maskFromRaster, type DecodeImage } from './load-item.js';

// A toy codec standing in for the runtime's decoder: [width, height, channels, ...samples].
const encode = (width: number, height: number, channels: 1 | 3, samples: number[]): Uint8Array => new Uint8Array([width, height, channels, ...samples]);
const decode: DecodeImage = (bytes) => ({ width: bytes[0]!, height: bytes[1]!, channels: bytes[2] as 1 | 3, data: bytes.slice(3) });

const folderItem = (mask: string): FolderDatasetItem => ({ source: 'folder', image: 'img', mask, prompt: { kind: 'image', image: 'ex' } });
const files = memoryFileSet({
  img: encode(2, 2, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  ex: encode(1, 1, 1, [9]),
  'mask-ok': encode(2, 2, 1, [0, 127, 128, 255]),
  'mask-small': encode(1, 2, 1, [0, 255]),
});

describe('maskFromRaster', () => {
  it('thresholds Pillow gray above 127, from gray, RGB or palette images', () => {
    expect(maskFromRaster({ width: 4, height: 1, channels: 1, data: new Uint8Array([0, 127, 128, 255]) }).data).toEqual(new Uint8Array([0, 0, 1, 1]));
    // Pure red is gray 76, pure green 150, a red + blue 105, white 255.
    const rgb: RasterImage = { width: 4, height: 1, channels: 3, data: new Uint8Array([255, 0, 0, 0, 255, 0, 255, 0, 255, 255, 255, 255]) };
    expect(maskFromRaster(rgb).data).toEqual(new Uint8Array([0, 1, 0, 1]));
    const palette: RasterImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 1]), palette: new Uint8Array([0, 0, 0, 200, 200, 200]) };
    expect(maskFromRaster(palette).data).toEqual(new Uint8Array([0, 1]));
  });

  it('refuses 16-bit masks', () => {
    expect(() => maskFromRaster({ width: 1, height: 1, channels: 1, data: new Uint16Array([65535]) })).toThrow(expect.objectContaining({ code: 'TRAIN_DATA_MASK_INVALID' }));
  });
});

describe('loadDatasetItem', () => {
  it('decodes the image, mask and prompt image of a folder item', async () => {
    const loaded = await loadDatasetItem(files, folderItem('mask-ok'), decode);
    expect(loaded.image).toMatchObject({ width: 2, height: 2, channels: 3 });
    expect(loaded.mask).toEqual({ width: 2, height: 2, data: new Uint8Array([0, 0, 1, 1]) });
    expect(loaded.promptImage).toMatchObject({ width: 1, height: 1 });
  });

  it('refuses a mask of another size than its image, and a COCO image of another size than annotated', async () => {
    await expect(loadDatasetItem(files, folderItem('mask-small'), decode)).rejects.toMatchObject({ code: 'TRAIN_DATA_MASK_INVALID', message: expect.stringMatching(/mask-small is 1 × 2 but its image img is 2 × 2/) });
    const coco: CocoDatasetItem = { source: 'coco', image: 'img', imageId: 1, width: 3, height: 2, categoryIds: [1], prompt: { kind: 'text', text: 'x' }, segments: [] };
    await expect(loadDatasetItem(files, coco, decode)).rejects.toThrow(/decodes to 2 × 2 but the annotations say 3 × 2/);
    const drawn = await loadDatasetItem(files, { ...coco, width: 2, segments: [{ kind: 'rle', counts: [1, 2, 1] }] }, decode);
    expect(drawn.mask.data).toEqual(new Uint8Array([0, 1, 1, 0]));
  });

  it('checkDatasetImages lists every item that does not load', async () => {
    const items = [folderItem('mask-ok'), folderItem('mask-small'), folderItem('mask-missing')];
    const error = await checkDatasetImages(files, items, decode).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TRAIN_DATA_INVALID', details: { problemCount: 2 } });
    expect((error as { details: { problems: { file: string }[] } }).details.problems.map((p) => p.file)).toEqual(['mask-small', 'mask-missing']);
  });
});
