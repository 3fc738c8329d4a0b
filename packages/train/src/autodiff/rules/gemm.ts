/**
 * Gradient rule of Gemm: `Y = α · A' · B' + β · C` with `A' = transA ? Aᵀ : A`, `B' = transB ? Bᵀ : B` (2-D),
 * `C` broadcasting to `Y`.
 *
 * @module
 */
import { attrFloat, attrInt } from '../graph-view.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `Y = α·A'·B' + β·C`. */
export const gemmRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const [a, b, c] = node.inputs as [string, string, string | undefined];
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const transA = attrInt(node, 'transA', 0) === 1;
  const transB = attrInt(node, 'transB', 0) === 1;
  const t = (x: string): string => g.op('Transpose', [x], { perm: [1, 0] });
  const scaled = (x: string, s: number): string => (s === 1 ? x : g.op('Mul', [x, ctx.scalar(s, x)]));
  const out: (string | undefined)[] = node.inputs.map(() => undefined);
  if (needs(0)) {
    // d(A') = dY·B'ᵀ; dA = transA ? d(A')ᵀ = B'·dYᵀ : d(A').
    const bPrime = transB ? t(b) : b;
    out[0] = scaled(transA ? g.op('MatMul', [bPrime, t(d)]) : g.op('MatMul', [d, t(bPrime)]), alpha);
  }
  if (needs(1)) {
    // d(B') = A'ᵀ·dY; dB = transB ? dYᵀ·A' : d(B').
    const aPrime = transA ? t(a) : a;
    out[1] = scaled(transB ? g.op('MatMul', [t(d), aPrime]) : g.op('MatMul', [t(aPrime), d]), alpha);
  }
  if (c !== undefined && c !== '' && needs(2)) out[2] = ctx.unbroadcast(scaled(d, beta), 2, c, node, ctx.view.dims(node.outputs[0]!));
  return out;
};
