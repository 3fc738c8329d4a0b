import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('Softmax gradient (float64 finite differences)', () => {
  for (const axis of [-1, 1]) {
    it(`axis ${axis}`, async () => {
      const report = await checkGradients({ forward: (g, x) => g.op('Softmax', [x['x']!], { axis }), inputs: { x: { dims: [2, 3, 4] } }, outputDims: [2, 3, 4] });
      expect(worstError(`Softmax axis ${axis}`, report)).toBeLessThan(TOL);
    });
  }
});
