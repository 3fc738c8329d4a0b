import { memoryFileSet, type FileSet } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { readFolderDataset } from './folder-dataset.js';
import type { DatasetProblem } from './train-data-error.js';

const png = new Uint8Array([137, 80, 78, 71]);
const lines = (...entries: unknown[]): string => entries.map((e) => JSON.stringify(e)).join('\n');

async function problemsOf(files: FileSet): Promise<DatasetProblem[]> {
  try {
    await readFolderDataset(files);
  } catch (error) {
    expect(error).toMatchObject({ name: 'TrainDataError', code: 'TRAIN_DATA_INVALID' });
    return (error as { details: { problems: DatasetProblem[] } }).details.problems;
  }
  throw new Error('expected the dataset to be refused');
}

describe('readFolderDataset', () => {
  it('reads text and image prompts in manifest order, without decoding anything', async () => {
    const files = memoryFileSet({
      'dataset.jsonl': `${lines({ image: 'images/a.png', mask: 'masks/a.cat.png', prompt: 'a cat' })}\n\n${lines({ image: 'images/a.png', mask: 'masks/a.dog.png', promptImage: 'prompts/dog.png' })}\n`,
      'images/a.png': png,
      'masks/a.cat.png': png,
      'masks/a.dog.png': png,
      'prompts/dog.png': png,
    });
    await expect(readFolderDataset(files)).resolves.toEqual([
      { source: 'folder', image: 'images/a.png', mask: 'masks/a.cat.png', prompt: { kind: 'text', text: 'a cat' } },
      { source: 'folder', image: 'images/a.png', mask: 'masks/a.dog.png', prompt: { kind: 'image', image: 'prompts/dog.png' } },
    ]);
  });

  it('lists every problem, not just the first', async () => {
    const files = memoryFileSet({
      'dataset.jsonl': [
        lines({ image: 'images/a.png', mask: 'masks/missing.png', prompt: 'a cat' }),
        '{not json',
        lines({ image: '../secret.png', mask: 'masks/a.png', prompt: 'x' }),
        lines({ image: 'images/a.png', mask: '/etc/passwd', prompt: '' }),
        lines({ image: 'images/a.png', mask: 'masks/a.png', promt: 'typo' }),
        lines([1, 2]),
        lines({ image: 'images/a.png', mask: 'masks/a.png', prompt: 'ok' }),
        lines({ image: 'images/a.png', mask: 'masks/a.png', prompt: 'ok' }),
        lines({ image: 'images/a.png', mask: 'masks/a.png', prompt: 'a', promptImage: 'images/a.png' }),
      ].join('\n'),
      'images/a.png': png,
      'masks/a.png': png,
    });
    const problems = await problemsOf(files);
    const at = (line: number): string[] => problems.filter((p) => p.where?.startsWith(`line ${line}`)).map((p) => p.message);
    expect(at(1)).toEqual([expect.stringMatching(/masks\/missing\.png.*missing/)]);
    expect(at(2)).toEqual([expect.stringMatching(/not JSON/)]);
    expect(at(3)).toEqual([expect.stringMatching(/points at a folder/)]);
    expect(at(4)).toEqual([expect.stringMatching(/is absolute/), expect.stringMatching(/non-empty string/)]);
    expect(at(5)).toEqual([expect.stringMatching(/unknown field "promt"/), expect.stringMatching(/neither "prompt"/)]);
    expect(at(6)).toEqual([expect.stringMatching(/must be an object/)]);
    expect(at(7)).toEqual([]);
    expect(at(8)).toEqual([expect.stringMatching(/repeats line 7/)]);
    expect(at(9)).toEqual([expect.stringMatching(/both "prompt" and "promptImage"/)]);
    expect(problems).toHaveLength(10);
  });

  it('refuses a missing, empty, oversized or non-UTF-8 manifest', async () => {
    expect(await problemsOf(memoryFileSet({}))).toEqual([{ file: 'dataset.jsonl', message: expect.stringMatching(/missing/) }]);
    expect(await problemsOf(memoryFileSet({ 'dataset.jsonl': '\n  \n' }))).toEqual([{ file: 'dataset.jsonl', message: expect.stringMatching(/no items/) }]);
    expect(await problemsOf(memoryFileSet({ 'dataset.jsonl': new Uint8Array([0xff, 0xfe]) }))).toEqual([{ file: 'dataset.jsonl', message: expect.stringMatching(/UTF-8/) }]);
    await expect(readFolderDataset(memoryFileSet({ 'dataset.jsonl': 'x'.repeat(101) }), { maxManifestBytes: 100 })).rejects.toThrow(/101 bytes, more than the 100/);
  });

  it('checks the claimed size before reading a file it can open at random', async () => {
    let reads = 0;
    const huge: FileSet = {
      location: 'huge',
      readBytes: () => Promise.reject(new Error('not used')),
      open: (name) =>
        Promise.resolve(
          name === 'dataset.jsonl'
            ? {
                size: 2 ** 40,
                read: () => {
                  reads++;
                  return Promise.reject(new Error('must not read'));
                },
              }
            : undefined,
        ),
    };
    expect(await problemsOf(huge)).toEqual([{ file: 'dataset.jsonl', message: expect.stringMatching(/1099511627776 bytes, more than/) }]);
    expect(reads).toBe(0);
  });

  it('refuses a mask whose PNG header states another size than its image', async () => {
    const header = (width: number, height: number): Uint8Array => {
      const bytes = new Uint8Array(33);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      return bytes;
    };
    const files = memoryFileSet({
      'dataset.jsonl': lines({ image: 'i.png', mask: 'm.png', prompt: 'p' }, { image: 'i.png', mask: 'ok.png', prompt: 'q' }, { image: 'i.png', mask: 'unknown.png', prompt: 'r' }),
      'i.png': header(640, 480),
      'm.png': header(480, 640),
      'ok.png': header(640, 480),
      'unknown.png': png,
    });
    expect(await problemsOf(files)).toEqual([{ file: 'dataset.jsonl', where: 'line 1', message: 'names the mask m.png, 480 × 640, for the image i.png, 640 × 480; a mask must have its image\'s size.' }]);
  });

  it('refuses images over maxImageBytes', async () => {
    const files = memoryFileSet({ 'dataset.jsonl': lines({ image: 'i.png', mask: 'm.png', prompt: 'p' }), 'i.png': new Uint8Array(11), 'm.png': png });
    await expect(readFolderDataset(files, { maxImageBytes: 10 })).rejects.toMatchObject({ details: { problemCount: 1, problems: [{ where: 'line 1', message: expect.stringMatching(/"i.png", which is 11 bytes/) }] } });
  });
});
