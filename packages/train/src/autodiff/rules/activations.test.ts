import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;
/** Values kept away from 0 so that Relu and Abs are differentiable at every sample. */
const AWAY_FROM_ZERO = [-1.3, -0.7, -0.2, 0.3, 0.9, 1.6];
const POSITIVE = [0.4, 0.9, 1.3, 2.2, 3.1, 0.6];

describe('unary gradients (float64 finite differences)', () => {
  const cases: { op: string; values?: readonly number[]; dtype?: 'float32' }[] = [
    { op: 'Relu', values: AWAY_FROM_ZERO },
    { op: 'Sigmoid' },
    { op: 'Tanh' },
    { op: 'Exp' },
    { op: 'Log', values: POSITIVE },
    { op: 'Abs', values: AWAY_FROM_ZERO },
    { op: 'Sqrt', values: POSITIVE },
  ];
  for (const { op, values } of cases) {
    it(op, async () => {
      const report = await checkGradients({ forward: (g, x) => g.op(op, [x['x']!]), inputs: { x: { dims: [2, 3], ...(values === undefined ? {} : { values }) } }, outputDims: [2, 3] });
      expect(worstError(op, report)).toBeLessThan(TOL);
    });
  }

  // onnxruntime's CPU kernels have Erf and Softplus in float32 only, so these run in float32 with a central
  // difference of step 1e-2: truncation error ≤ h²/6·|f'''|·Σ|c| ≈ 1.7e-5 · 2.3 · 2, rounding error
  // ≈ 2 · 6e-8 · |loss| / (2h) ≈ 3e-5 for |loss| ≲ 5, so 5e-4 leaves a margin while a wrong rule (errors ≳ 0.1) fails.
  for (const op of ['Erf', 'Softplus']) {
    it(`${op} (float32)`, async () => {
      const report = await checkGradients({ forward: (g, x) => g.op(op, [x['x']!]), inputs: { x: { dims: [2, 3] } }, outputDims: [2, 3], dtype: 'float32' });
      expect(worstError(`${op} float32`, report)).toBeLessThan(5e-4);
    });
  }
});
