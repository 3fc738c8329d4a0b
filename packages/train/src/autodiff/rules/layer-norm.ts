/**
 * Gradient rule of LayerNormalization (opset 17) over the axes `axis…rank−1`, recomputing the normalised input
 * from `x`: with `x̂ = (x − μ)·r`, `r = 1/√(var + ε)`, `g = dy · scale`:
 * `dx = r · (g − mean(g) − x̂ · mean(g · x̂))`, `dscale = Σ dy · x̂`, `dbias = Σ dy` (summed to their shapes).
 *
 * @module
 */
import { AutodiffError } from '../autodiff-error.js';
import { attrFloat, attrInt } from '../graph-view.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `y = (x − μ)/√(var + ε) · scale + bias`. */
export const layerNormRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  if (dy.slice(1).some((d) => d !== undefined)) {
    throw new AutodiffError('AUTODIFF_UNSUPPORTED_FORM', 'LayerNormalization: gradients through its Mean/InvStdDev outputs are not supported.', { opType: node.opType });
  }
  const d = firstCotangent(node, dy);
  const [x, scale, bias] = node.inputs as [string, string, string | undefined];
  const r = ctx.rank(x, node);
  const axis0 = attrInt(node, 'axis', -1);
  const axis = axis0 < 0 ? axis0 + r : axis0;
  const axes = Array.from({ length: r - axis }, (_, i) => axis + i);
  const mean = (t: string): string => g.op('ReduceMean', [t], { axes, keepdims: 1 });
  const centred = g.op('Sub', [x, mean(x)]);
  const variance = mean(g.op('Mul', [centred, centred]));
  const rstd = g.op('Div', [ctx.scalar(1, x), g.op('Sqrt', [g.op('Add', [variance, ctx.scalar(attrFloat(node, 'epsilon', 1e-5), x)])])]);
  const xhat = g.op('Mul', [centred, rstd]);
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  if (needs(0)) {
    const gh = g.op('Mul', [d, scale]);
    const inner = g.op('Sub', [g.op('Sub', [gh, mean(gh)]), g.op('Mul', [xhat, mean(g.op('Mul', [gh, xhat]))])]);
    out[0] = g.op('Mul', [rstd, inner]);
  }
  if (needs(1)) out[1] = ctx.unbroadcast(g.op('Mul', [d, xhat]), r, scale, node, ctx.view.dims(x));
  if (bias !== undefined && bias !== '' && needs(2)) out[2] = ctx.unbroadcast(d, r, bias, node, ctx.view.dims(x));
  return out.slice(0, node.inputs.length);
};
