import { describe, expect, it } from 'vitest';
import { resizeMaskNearest } from './resize-mask-nearest.js';

describe('resizeMaskNearest', () => {
  it('keeps a mask already at the size', () => {
    const data = Uint8Array.from([0, 1, 1, 0, 0, 1]);
    expect([...resizeMaskNearest({ width: 3, height: 2, data }, { width: 3, height: 2 }).data]).toEqual([0, 1, 1, 0, 0, 1]);
  });
  it('upsamples by pixel centres (Pillow NEAREST)', () => {
    const data = Uint8Array.from([1, 0, 0, 1]);
    expect([...resizeMaskNearest({ width: 2, height: 2, data }, { width: 4, height: 4 }).data]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });
  it('downsamples by pixel centres: 3 → 2 takes source columns 0 and 2', () => {
    const data = Uint8Array.from([1, 0, 0]);
    expect([...resizeMaskNearest({ width: 3, height: 1, data }, { width: 2, height: 1 }).data]).toEqual([1, 0]);
    expect([...resizeMaskNearest({ width: 3, height: 1, data: Uint8Array.from([0, 1, 1]) }, { width: 2, height: 1 }).data]).toEqual([0, 1]);
  });
});
