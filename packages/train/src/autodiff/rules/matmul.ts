/**
 * Gradient rule of MatMul (both operands of rank ≥ 2, batch dims broadcasting): `dA = dY · Bᵀ`, `dB = Aᵀ · dY`,
 * each summed back over the batch dims its operand was broadcast along.
 *
 * @module
 */
import { AutodiffError } from '../autodiff-error.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `Y = A · B`. */
export const matMulRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const [a, b] = node.inputs as [string, string];
  const ra = ctx.rank(a, node);
  const rb = ctx.rank(b, node);
  if (ra < 2 || rb < 2) {
    throw new AutodiffError('AUTODIFF_UNSUPPORTED_FORM', `MatMul of a ${Math.min(ra, rb)}-D operand has no gradient rule; Unsqueeze it to 2-D first.`, { opType: 'MatMul' });
  }
  const r = Math.max(ra, rb);
  return [
    needs(0) ? ctx.unbroadcast(g.op('MatMul', [d, ctx.transposeLast2(b, rb)]), r, a, node) : undefined,
    needs(1) ? ctx.unbroadcast(g.op('MatMul', [ctx.transposeLast2(a, ra), d]), r, b, node) : undefined,
  ];
};
