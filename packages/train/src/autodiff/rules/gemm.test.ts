import { float } from '@clipseg/convert/graph';
import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('Gemm gradient (float64 finite differences)', () => {
  for (const transA of [0, 1]) {
    for (const transB of [0, 1]) {
      it(`transA ${transA}, transB ${transB}, α 0.7, β 1.3, C broadcast from [3]`, async () => {
        const report = await checkGradients({
          forward: (g, p) => g.op('Gemm', [p['a']!, p['b']!, p['c']!], { transA, transB, alpha: float(0.7), beta: float(1.3) }),
          inputs: { a: { dims: transA ? [4, 2] : [2, 4] }, b: { dims: transB ? [3, 4] : [4, 3] }, c: { dims: [3] } },
          outputDims: [2, 3],
        });
        expect(worstError(`Gemm ${transA}${transB}`, report)).toBeLessThan(TOL);
      });
    }
  }
});
