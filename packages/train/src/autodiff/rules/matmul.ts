/**
 * Gradient rule of MatMul (both operands of rank ≥ 2, batch dims broadcasting): `dA = dY · Bᵀ`, `dB = Aᵀ · dY`,
 * each summed back over the batch dims its operand was broadcast along (a 2-D `B` under a batched `A`: one GEMM over
 * the flattened batch).
 *
 * @module
 */
import { AutodiffError } from '../autodiff-error.js';
import type { GradContext, GradRule } from '../grad-context.js';
import type { InferredDim } from '../shape-inference.js';
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
  const outDims = ctx.view.dims(node.outputs[0]!);
  const batch = outDims?.slice(0, -2);
  const withLast2 = (x: string): InferredDim[] | undefined => {
    const xd = ctx.view.dims(x);
    return batch === undefined || xd === undefined ? undefined : [...batch, ...xd.slice(-2)];
  };
  return [
    needs(0) ? ctx.unbroadcast(g.op('MatMul', [d, ctx.transposeLast2(b, rb)]), r, a, node, withLast2(a)) : undefined,
    needs(1) ? (rb === 2 && ra > 2 ? flatWeightGrad(ctx, a, d, node.outputs[0]!) : ctx.unbroadcast(g.op('MatMul', [ctx.transposeLast2(a, ra), d]), r, b, node, withLast2(b))) : undefined,
  ];
};

/**
 * `dB` of a 2-D `B` under a batched `A` (`[…, M, K] · [K, N]`, a linear layer's weight): the batch and row axes
 * flattened into one, `dB = A₂ᵀ · dY₂` (`[K, L] · [L, N]`), one GEMM instead of a batched MatMul and a sum over
 * the batch.
 */
function flatWeightGrad(ctx: GradContext, a: string, d: string, y: string): string {
  const { g } = ctx;
  // `like` is the forward tensor of the same shape (the cotangent's dims are not inferred).
  const flat = (x: string, like: string): string => {
    const n = ctx.view.dims(like)?.at(-1);
    return g.op('Reshape', [x, typeof n === 'number' ? g.constInt64([-1, n]) : g.op('Concat', [g.constInt64([-1]), g.op('Shape', [x], { start: -1 })], { axis: 0 })]);
  };
  return g.op('Gemm', [flat(a, a), flat(d, y)], { transA: 1 });
}
