import { memoryFileSet, type FileSet } from '@clipseg/core';
import { maskToCompressedRle, maskToRle } from '@clipseg/processor';
import { describe, expect, it } from 'vitest';
import { readCocoDataset } from './coco-dataset.js';
import { cocoItemMask } from './coco-mask.js';
import type { DatasetProblem } from './train-data-error.js';

const png = new Uint8Array([137, 80, 78, 71]);

function coco(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    images: [
      { id: 1, file_name: 'a.jpg', width: 6, height: 5 },
      { id: 2, file_name: 'b.jpg', width: 4, height: 3 },
      { id: 3, file_name: 'c.jpg', width: 4, height: 3 },
    ],
    categories: [
      { id: 10, name: 'cat', supercategory: 'animal' },
      { id: 20, name: 'dog', supercategory: 'animal' },
    ],
    annotations: [
      { id: 100, image_id: 1, category_id: 10, iscrowd: 0, segmentation: [[1, 1, 4, 1, 4, 3, 1, 3]] },
      { id: 101, image_id: 1, category_id: 10, iscrowd: 0, segmentation: [[4, 3, 6, 3, 6, 5, 4, 5], [0, 4, 1, 4]] },
      { id: 102, image_id: 1, category_id: 20, iscrowd: 1, segmentation: { size: [5, 6], counts: [0, 2, 28] } },
      { id: 103, image_id: 2, category_id: 20, iscrowd: 0, segmentation: maskToCompressedRle({ width: 4, height: 3, data: new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]) }) },
    ],
    ...overrides,
  };
}

function files(json: unknown, extra: Record<string, Uint8Array | string> = {}): FileSet {
  return memoryFileSet({ 'instances.json': JSON.stringify(json), 'imgs/a.jpg': png, 'imgs/b.jpg': png, 'imgs/c.jpg': png, ...extra }, 'coco');
}

async function problemsOf(set: FileSet, options: Partial<Parameters<typeof readCocoDataset>[1]> = {}): Promise<DatasetProblem[]> {
  try {
    await readCocoDataset(set, { annotations: 'instances.json', imagesFolder: 'imgs', ...options });
  } catch (error) {
    expect(error).toMatchObject({ name: 'TrainDataError', code: 'TRAIN_DATA_INVALID' });
    return (error as { details: { problems: DatasetProblem[] } }).details.problems;
  }
  throw new Error('expected the dataset to be refused');
}

const rows = (mask: { width: number; height: number; data: Uint8Array }): string[] =>
  Array.from({ length: mask.height }, (_, y) => Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width), (v) => (v ? '#' : '.')).join(''));

describe('readCocoDataset', () => {
  it('makes one item per (image, category), merging instances, polygons and RLE alike', async () => {
    const { items, warnings } = await readCocoDataset(files(coco()), { annotations: 'instances.json', imagesFolder: 'imgs' });
    expect(items.map(({ image, imageId, categoryIds, prompt }) => ({ image, imageId, categoryIds, prompt }))).toEqual([
      { image: 'imgs/a.jpg', imageId: 1, categoryIds: [10], prompt: { kind: 'text', text: 'cat' } },
      { image: 'imgs/a.jpg', imageId: 1, categoryIds: [20], prompt: { kind: 'text', text: 'dog' } },
      { image: 'imgs/b.jpg', imageId: 2, categoryIds: [20], prompt: { kind: 'text', text: 'dog' } },
    ]);
    expect(warnings).toEqual([{ file: 'instances.json', where: 'annotations[1].segmentation[1]', message: expect.stringMatching(/2 points.*skipped/) }]);
    expect(rows(cocoItemMask(items[0]!))).toEqual(['......', '.###..', '.###..', '....##', '....##']);
    expect(rows(cocoItemMask(items[1]!))).toEqual(['#.....', '#.....', '......', '......', '......']);
    expect(rows(cocoItemMask(items[2]!))).toEqual(['...#', '...#', '....']);
    expect(maskToRle(cocoItemMask(items[2]!)).counts).toEqual([9, 2, 1]);
  });

  it('takes prompts from another category field or from an annotation field, and can leave crowds out', async () => {
    const byKind = await readCocoDataset(files(coco()), { annotations: 'instances.json', imagesFolder: 'imgs', promptFrom: { category: 'supercategory' } });
    expect(byKind.items.map((item) => [item.image, item.prompt, item.categoryIds])).toEqual([
      ['imgs/a.jpg', { kind: 'text', text: 'animal' }, [10, 20]],
      ['imgs/b.jpg', { kind: 'text', text: 'animal' }, [20]],
    ]);
    const annotations = (coco().annotations as Record<string, unknown>[]).map((a, i) => ({ ...a, caption: i < 2 ? 'the cats' : `thing ${i}` }));
    const byCaption = await readCocoDataset(files(coco({ annotations })), { annotations: 'instances.json', imagesFolder: 'imgs', promptFrom: { annotation: 'caption' } });
    expect(byCaption.items.map((item) => item.prompt)).toEqual([{ kind: 'text', text: 'the cats' }, { kind: 'text', text: 'thing 2' }, { kind: 'text', text: 'thing 3' }]);
    const noCrowd = await readCocoDataset(files(coco()), { annotations: 'instances.json', imagesFolder: 'imgs', includeCrowd: false });
    expect(noCrowd.items.map((item) => [item.imageId, item.prompt])).toEqual([
      [1, { kind: 'text', text: 'cat' }],
      [2, { kind: 'text', text: 'dog' }],
    ]);
  });

  it('lists every problem of a broken file at once', async () => {
    const broken = coco({
      images: [
        { id: 1, file_name: '../../etc/passwd', width: 6, height: 5 },
        { id: 1, file_name: 'dup.jpg', width: 6, height: 5 },
        { id: 2, file_name: 'b.jpg', width: 1e12, height: 3 },
        { id: 3, file_name: 'c.jpg', width: 4, height: 3 },
        'not an image',
      ],
      categories: [{ id: 10, name: 'cat' }, { id: 10, name: 'again' }, { id: 20, name: '' }],
      annotations: [
        { id: 1, image_id: 3, category_id: 10, segmentation: [[0, 0, 1, 0, 1]] },
        { id: 1, image_id: 3, category_id: 10, segmentation: [[0, 0, 2, 0, 2, 2]] },
        { id: 2, image_id: 99, category_id: 10, segmentation: [[0, 0, 2, 0, 2, 2]] },
        { id: 3, image_id: 3, category_id: 77, segmentation: [[0, 0, 2, 0, 2, 2]] },
        { id: 4, image_id: 3, category_id: 10, iscrowd: 1, segmentation: { size: [5, 6], counts: [30] } },
        { id: 5, image_id: 3, category_id: 10, iscrowd: 1, segmentation: { size: [3, 4], counts: [1, 2, 3] } },
        { id: 6, image_id: 3, category_id: 10, iscrowd: 1, segmentation: { size: [3, 4], counts: 'bad!' } },
        { id: 7, image_id: 3, category_id: 10, iscrowd: 2, segmentation: [[0, 0, 2, 0, 2, 2, 'x', 1]] },
        { id: 8, image_id: 3, category_id: 10, segmentation: [[0, 0, 1e9, 0, 0, 1]] },
      ],
    });
    const problems = await problemsOf(files(broken));
    const messages = problems.map((p) => `${p.where ?? ''}: ${p.message}`);
    const expected = [
      /^categories\[1\]: repeats category id 10/,
      /^categories\[2\]\.name: must be a non-empty string/,
      /^images\[0\]\.file_name: .*points at a folder/,
      /^images\[1\]: repeats image id 1/,
      /^images\[2\]: width and height must be integers from 1 to 16384/,
      /^images\[4\]: must be an object/,
      /^annotations\[0\]\.segmentation\[0\]: has 5 coordinates, an odd number/,
      /^annotations\[1\]: repeats annotation id 1/,
      /^annotations\[2\]: "image_id" number 99 is not the id of an image/,
      /^annotations\[3\]: "category_id" number 77 is not the id of a category/,
      /^annotations\[4\]\.segmentation: \.size is \[5, 6\], but the image is 3 high and 4 wide/,
      /^annotations\[5\]\.segmentation: \.counts add up to 6 pixels, not the image's 3 × 4 = 12/,
      /^annotations\[6\]\.segmentation: \.counts is not a valid compressed RLE/,
      /^annotations\[7\]: "iscrowd" must be 0 or 1/,
      /^annotations\[7\]\.segmentation\[0\]: \[6\] must be a finite number/,
      /^annotations\[8\]\.segmentation\[0\]: is longer than 1000 × \(width \+ height\)/,
    ];
    expect(messages).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(messages[i]).toMatch(pattern));
  });

  it('survives deep nesting and odd shapes without recursing', async () => {
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}1, 2${']'.repeat(depth)}`;
    const annotations = `[{"id": 1, "image_id": 3, "category_id": 10, "segmentation": ${deep}}, {"id": 2, "image_id": 3, "category_id": 10, "segmentation": "polygon"}]`;
    const text = JSON.stringify(coco({ annotations: 'HERE' })).replace('"HERE"', annotations);
    const problems = await problemsOf(memoryFileSet({ 'instances.json': text }));
    expect(problems.map((p) => p.where)).toEqual(['annotations[0].segmentation[0]', 'annotations[1].segmentation']);
    expect(await problemsOf(files([]))).toEqual([{ file: 'instances.json', message: expect.stringMatching(/must be a JSON object/) }]);
    expect(await problemsOf(files({ images: {}, annotations: 3 }))).toHaveLength(3);
  });

  it('refuses a missing, oversized, non-JSON or empty file, and missing images', async () => {
    expect(await problemsOf(memoryFileSet({}))).toEqual([{ file: 'instances.json', message: expect.stringMatching(/missing/) }]);
    expect(await problemsOf(memoryFileSet({ 'instances.json': '{"images": [' }))).toEqual([{ file: 'instances.json', message: expect.stringMatching(/not valid UTF-8 JSON/) }]);
    expect(await problemsOf(files(coco()), { maxJsonBytes: 100 })).toEqual([{ file: 'instances.json', message: expect.stringMatching(/more than the 100 bytes/) }]);
    expect(await problemsOf(files(coco({ annotations: [] })))).toEqual([{ file: 'instances.json', message: expect.stringMatching(/no annotation to train on/) }]);
    const missing = memoryFileSet({ 'instances.json': JSON.stringify(coco()), 'imgs/a.jpg': png });
    expect((await problemsOf(missing)).map((p) => p.message)).toEqual([expect.stringMatching(/"imgs\/b.jpg", which is missing/)]);
    await expect(readCocoDataset(missing, { annotations: 'instances.json', imagesFolder: 'imgs', checkImages: false })).resolves.toMatchObject({ items: { length: 3 } });
  });

  it('refuses an image whose header states another size than the annotations', async () => {
    const header = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 4, 0, 5, 0, 0, 0]); // a 4 × 5 GIF
    const problems = await problemsOf(files(coco(), { 'imgs/b.jpg': header }));
    expect(problems).toEqual([{ file: 'instances.json', where: 'images[] id 2', message: expect.stringMatching(/says imgs\/b.jpg is 4 × 3, but its header says 4 × 5/) }]);
  });

  it('refuses unsafe names for the annotations file and the images folder', async () => {
    expect(await problemsOf(files(coco()), { annotations: '../instances.json' })).toEqual([expect.objectContaining({ where: 'options.annotations' })]);
    expect(await problemsOf(files(coco()), { imagesFolder: '/abs' })).toEqual([expect.objectContaining({ where: 'options.imagesFolder' })]);
    const long = coco({ images: [{ id: 1, file_name: 'x'.repeat(150), width: 6, height: 5 }, ...(coco().images as unknown[]).slice(1)] });
    expect(await problemsOf(files(long), { imagesFolder: Array.from({ length: 6 }, () => 'f'.repeat(150)).join('/') })).toEqual([
      expect.objectContaining({ where: 'images[0].file_name', message: expect.stringMatching(/longer than 1024/) }),
    ]);
    await expect(readCocoDataset(files(coco()), { annotations: 'instances.json', promptFrom: { category: '' } })).rejects.toMatchObject({ code: 'TRAIN_DATA_INVALID_ARGUMENT' });
  });
});
