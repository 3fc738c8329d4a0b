import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { BinaryMask } from '../mask/mask.js';
import { dilateMask, erodeMask } from './morphology.js';

const grid = (rows: string[]): BinaryMask => ({
  width: rows[0]!.length,
  height: rows.length,
  data: Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0)),
});
const show = (mask: BinaryMask): string[] =>
  Array.from({ length: mask.height }, (_, y) => Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width), (v) => (v ? '#' : '.')).join(''));

describe('dilateMask / erodeMask', () => {
  const dot = grid(['.......', '.......', '.......', '...#...', '.......', '.......', '.......']);

  it('dilates a point into the structuring element', () => {
    expect(show(dilateMask(dot, 1))).toEqual(['.......', '.......', '..###..', '..###..', '..###..', '.......', '.......']);
    expect(show(dilateMask(dot, 2, { element: 'disc' }))).toEqual(['.......', '...#...', '..###..', '.#####.', '..###..', '...#...', '.......']);
    expect(show(dilateMask(dot, 3, { element: 'disc' })).join('')).toBe(
      ['...#...', '.#####.', '.#####.', '#######', '.#####.', '.#####.', '...#...'].join(''),
    );
    expect(show(dilateMask(dot, 0))).toEqual(show(dot));
  });

  it('erodes a square back, and does not erode from the image border', () => {
    const square = dilateMask(dot, 2);
    expect(show(erodeMask(square, 2))).toEqual(show(dot));
    const full = grid(['####', '####', '####']);
    expect(show(erodeMask(full, 1))).toEqual(show(full));
    const bar = grid(['####', '....', '....']);
    expect(show(erodeMask(bar, 1))).toEqual(['....', '....', '....']);
  });

  it('rejects soft masks, bad radii and unknown elements', () => {
    expect(() => dilateMask({ width: 1, height: 1, data: new Float32Array(1) } as unknown as BinaryMask, 1)).toThrow(ProcessorError);
    expect(() => dilateMask(dot, -1)).toThrow(ProcessorError);
    expect(() => erodeMask(dot, 1.5)).toThrow(ProcessorError);
    expect(() => erodeMask(dot, 1, { element: 'cross' as 'disc' })).toThrow(ProcessorError);
  });
});
