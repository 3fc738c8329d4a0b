import type { ByteSource, FileSet } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { readCocoDataset } from './coco-dataset.js';
import { cocoItemMask } from './coco-mask.js';
import { readFolderDataset } from './folder-dataset.js';
import { splitDataset } from './split-dataset.js';

/** A file set over Blobs with random access, as a folder picked in a browser is. */
function blobFileSet(files: Record<string, string | Uint8Array>): FileSet {
  const blobs = new Map(Object.entries(files).map(([name, content]) => [name, new Blob([content])]));
  return {
    location: 'picked folder',
    async readBytes(name) {
      const blob = blobs.get(name);
      return blob === undefined ? undefined : new Uint8Array(await blob.arrayBuffer());
    },
    open(name) {
      const blob = blobs.get(name);
      if (blob === undefined) return Promise.resolve(undefined);
      const source: ByteSource = { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) };
      return Promise.resolve(source);
    },
  };
}

const gif = (width: number, height: number): Uint8Array => new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, width, 0, height, 0, 0, 0]);

describe('datasets in a browser', () => {
  it('reads the folder layout through Blob random access and refuses a mask of another size', async () => {
    const manifest = [
      { image: 'images/a.gif', mask: 'masks/a.cat.gif', prompt: 'a cat' },
      { image: 'images/b.gif', mask: 'masks/b.cat.gif', prompt: 'a cat' },
    ].map((line) => JSON.stringify(line)).join('\n');
    const good = blobFileSet({ 'dataset.jsonl': manifest, 'images/a.gif': gif(4, 3), 'masks/a.cat.gif': gif(4, 3), 'images/b.gif': gif(2, 2), 'masks/b.cat.gif': gif(2, 2) });
    const items = await readFolderDataset(good);
    expect(items.map((item) => item.mask)).toEqual(['masks/a.cat.gif', 'masks/b.cat.gif']);
    expect(splitDataset(items, { validationFraction: 0.5, seed: 3 }).validation).toHaveLength(1);
    const bad = blobFileSet({ 'dataset.jsonl': manifest, 'images/a.gif': gif(4, 3), 'masks/a.cat.gif': gif(3, 4), 'images/b.gif': gif(2, 2) });
    await expect(readFolderDataset(bad)).rejects.toMatchObject({ code: 'TRAIN_DATA_INVALID', details: { problemCount: 2 } });
  });

  it('reads COCO annotations and draws the same masks as in Node', async () => {
    const json = {
      images: [{ id: 1, file_name: 'a.gif', width: 6, height: 5 }],
      categories: [{ id: 1, name: 'box' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[1, 1, 4, 1, 4, 3, 1, 3]] }],
    };
    const { items } = await readCocoDataset(blobFileSet({ 'instances.json': JSON.stringify(json), 'a.gif': gif(6, 5) }), { annotations: 'instances.json' });
    expect(Array.from(cocoItemMask(items[0]!).data)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
