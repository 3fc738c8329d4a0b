import { describe, expect, it } from 'vitest';
import { resizeMask } from './resize-mask.js';

describe('resizeMask (PyTorch bilinear, align_corners=False)', () => {
  it('upsamples 2 → 4 with source coordinates (d + 0.5) / 2 - 0.5, clamped at the edges', () => {
    // sources -0.25→0 (clamped), 0.25, 0.75, 1.25→index 1 repeated: [0, 2.5, 7.5, 10]
    const out = resizeMask({ width: 2, height: 1, data: new Float32Array([0, 10]) }, { width: 4, height: 1 });
    expect([...out.data]).toEqual([0, 2.5, 7.5, 10]);
  });

  it('downsamples without antialiasing: 4 → 2 averages the two middle neighbours', () => {
    // sources 0.5 and 2.5
    const out = resizeMask({ width: 4, height: 1, data: new Float32Array([0, 10, 20, 40]) }, { width: 2, height: 1 });
    expect([...out.data]).toEqual([5, 30]);
  });

  it('interpolates both axes, copies at the same size and accepts binary masks', () => {
    const out = resizeMask({ width: 2, height: 2, data: new Uint8Array([0, 1, 1, 1]) }, { width: 4, height: 4 });
    expect(out.data[0]).toBe(0);
    expect(out.data[5]).toBeCloseTo(1 - 0.75 * 0.75, 6);
    expect(out.data[15]).toBe(1);
    const same = resizeMask({ width: 3, height: 1, data: new Float32Array([1, 2, 3]) }, { width: 3, height: 1 });
    expect([...same.data]).toEqual([1, 2, 3]);
  });
});
