import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

/**
 * onnxruntime's CPU Conv and ConvTranspose are float32 only, so these run in float32. The loss Σ y·c is linear in
 * each input, so a central difference has no truncation error and any step works: with step 0.5 the error is
 * rounding only, ≈ 2 · 6e-8 · |loss| / (2 · 0.5) ≈ 1e-5 for |loss| ≲ 50, plus the float32 sums of the analytic
 * gradient (~1e-6). 2e-4 leaves a margin; a wrong adjoint (a missing flip, pad or stride) is off by O(1).
 */
const TOL = 2e-4;
const STEP = 0.5;

describe('Conv / ConvTranspose gradients (float32, exact central differences)', () => {
  const cases = [
    { op: 'Conv', label: '3×3, stride 1, pad 1 (the refined decoder head)', x: [2, 2, 5, 5], w: [3, 2, 3, 3], y: [2, 3, 5, 5], strides: [1, 1], pads: [1, 1, 1, 1] },
    { op: 'Conv', label: '3×3, stride 2, pad 1, input not a multiple of the stride', x: [1, 2, 6, 5], w: [2, 2, 3, 3], y: [1, 2, 3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
    { op: 'ConvTranspose', label: '2×2, stride 2 (the decoder head)', x: [2, 3, 3, 2], w: [3, 2, 2, 2], y: [2, 2, 6, 4], strides: [2, 2], pads: [0, 0, 0, 0] },
    { op: 'ConvTranspose', label: '3×3, stride 2, pad 1', x: [1, 2, 3, 3], w: [2, 3, 3, 3], y: [1, 3, 5, 5], strides: [2, 2], pads: [1, 1, 1, 1] },
  ];
  for (const c of cases) {
    it(`${c.op} ${c.label}`, async () => {
      const report = await checkGradients({
        forward: (g, p) => g.op(c.op, [p['x']!, p['w']!, p['b']!], { kernel_shape: c.w.slice(2), strides: c.strides, pads: c.pads }),
        inputs: { x: { dims: c.x }, w: { dims: c.w }, b: { dims: [c.op === 'Conv' ? c.w[0]! : c.w[1]!] } },
        outputDims: c.y,
        dtype: 'float32',
        step: STEP,
      });
      expect(worstError(`${c.op} ${c.label}`, report)).toBeLessThan(TOL);
    });
  }
});
