import { describe, expect, it } from 'vitest';
import { quantizeLinearPerChannel, transpose2d } from './weight-store.js';

describe('quantizeLinearPerChannel', () => {
  it('quantises each output row symmetrically to [-127, 127] and transposes to [in, out]', () => {
    // [out = 3, in = 4]
    const w = Float32Array.of(0.5, -1, 0.25, 0, /**/ 0, 0, 0, 0, /**/ 3, 2, -1.5, 0.01);
    const { q, scale } = quantizeLinearPerChannel(w, 3, 4);
    expect([...scale]).toEqual([Math.fround(1 / 127), 1, Math.fround(3 / 127)]);
    // column c of the [in, out] result is row c of the weight
    expect([...q]).toEqual([64, 0, 127, -127, 0, 85, 32, 0, -63, 0, 0, 0]);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) expect(Math.abs(q[c * 3 + r]! * scale[r]! - w[r * 4 + c]!)).toBeLessThanOrEqual(scale[r]! / 2 + 1e-7);
    }
  });

  it('agrees with transpose2d on the layout', () => {
    const w = Float32Array.from({ length: 6 * 5 }, (_, i) => ((i * 37) % 11) - 5);
    const { q, scale } = quantizeLinearPerChannel(w, 6, 5);
    const t = transpose2d(w, 6, 5);
    for (let i = 0; i < t.length; i++) expect(q[i]! * scale[i % 6]!).toBeCloseTo(t[i]!, 1);
  });
});
