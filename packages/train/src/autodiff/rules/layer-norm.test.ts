import { float } from '@clipseg/convert/graph';
import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('LayerNormalization gradient (float64 finite differences)', () => {
  it('over the last axis, with scale and bias (as the decoder uses it)', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('LayerNormalization', [x['x']!, x['scale']!, x['bias']!], { axis: -1, epsilon: float(1e-5) }),
      inputs: { x: { dims: [2, 3, 5] }, scale: { dims: [5] }, bias: { dims: [5] } },
      outputDims: [2, 3, 5],
    });
    expect(worstError('LayerNormalization', report)).toBeLessThan(TOL);
  });
  it('over the last two axes', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('LayerNormalization', [x['x']!, x['scale']!, x['bias']!], { axis: 1, epsilon: float(1e-3) }),
      inputs: { x: { dims: [2, 3, 4] }, scale: { dims: [3, 4] }, bias: { dims: [3, 4] } },
      outputDims: [2, 3, 4],
    });
    expect(worstError('LayerNormalization axis 1', report)).toBeLessThan(TOL);
  });
});
