/**
 * Gradient rules of Where, Max and Min (two inputs), Pow, Cast and Split.
 *
 * @module
 */
import { AutodiffError } from '../autodiff-error.js';
import { attrInt } from '../graph-view.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `y = cond ? a : b` (the condition gets none). */
export const whereRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const [cond, a, b] = node.inputs as [string, string, string];
  const r = ctx.rank(node.outputs[0]!, node);
  const zero = ctx.scalar(0, d);
  return [
    undefined,
    needs(1) ? ctx.unbroadcast(g.op('Where', [cond, d, zero]), r, a, node, ctx.view.dims(node.outputs[0]!)) : undefined,
    needs(2) ? ctx.unbroadcast(g.op('Where', [cond, zero, d]), r, b, node, ctx.view.dims(node.outputs[0]!)) : undefined,
  ];
};

/** `y = max(a, b)` / `min(a, b)`: the cotangent goes to the chosen operand (to `a` on ties). */
function extremumRule(compare: 'GreaterOrEqual' | 'LessOrEqual'): GradRule {
  return (node, dy, ctx, needs) => {
    const { g } = ctx;
    if (node.inputs.length !== 2) throw new AutodiffError('AUTODIFF_UNSUPPORTED_FORM', `${node.opType}: gradients need exactly two inputs.`, { opType: node.opType });
    const d = firstCotangent(node, dy);
    const [a, b] = node.inputs as [string, string];
    const r = ctx.rank(node.outputs[0]!, node);
    const pickA = g.op(compare, [a, b]);
    const zero = ctx.scalar(0, d);
    return [
      needs(0) ? ctx.unbroadcast(g.op('Where', [pickA, d, zero]), r, a, node, ctx.view.dims(node.outputs[0]!)) : undefined,
      needs(1) ? ctx.unbroadcast(g.op('Where', [pickA, zero, d]), r, b, node, ctx.view.dims(node.outputs[0]!)) : undefined,
    ];
  };
}

/** `y = max(a, b)`. */
export const maxRule: GradRule = extremumRule('GreaterOrEqual');
/** `y = min(a, b)`. */
export const minRule: GradRule = extremumRule('LessOrEqual');

/** `y = aᵇ`: `da = dy · b · a^(b−1)`, `db = dy · y · ln a` (for a > 0). */
export const powRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const [a, b] = node.inputs as [string, string];
  const y = node.outputs[0]!;
  const r = ctx.rank(y, node);
  return [
    needs(0) ? ctx.unbroadcast(g.op('Mul', [d, g.op('Mul', [b, g.op('Pow', [a, g.op('Sub', [b, ctx.scalar(1, b)])])])]), r, a, node, ctx.view.dims(node.outputs[0]!)) : undefined,
    needs(1) ? ctx.unbroadcast(g.op('Mul', [d, g.op('Mul', [y, g.op('Log', [a])])]), r, b, node, ctx.view.dims(node.outputs[0]!)) : undefined,
  ];
};

/** `y = cast(x)`: the cotangent cast back to `x`'s type. */
export const castRule: GradRule = (node, dy, ctx) => [ctx.g.op('CastLike', [firstCotangent(node, dy), node.inputs[0]!])];

/** `y₁ … yₙ = split(x, axis)`: the outputs' cotangents concatenated (zeros for outputs without one). */
export const splitRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const x = node.inputs[0]!;
  const r = ctx.rank(x, node);
  const axis0 = attrInt(node, 'axis', 0);
  const axis = axis0 < 0 ? axis0 + r : axis0;
  const parts = node.outputs.map((y, i) => dy[i] ?? g.op('CastLike', [g.op('ConstantOfShape', [g.op('Shape', [y])]), x]));
  return [parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis })];
};
