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
});
