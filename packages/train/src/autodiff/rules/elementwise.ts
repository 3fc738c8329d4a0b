/**
 * Gradient rules of the broadcasting binary ops (Add, Sub, Mul, Div) and Neg. Each input's cotangent is summed
 * back to that input's shape ({@link GradContext.unbroadcast}).
 *
 * @module
 */
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `y = a + b`. */
export const addRule: GradRule = (node, dy, ctx, needs) => {
  const d = firstCotangent(node, dy);
  const r = ctx.rank(node.outputs[0]!, node);
  const o = ctx.view.dims(node.outputs[0]!);
  return node.inputs.map((x, i) => (needs(i) ? ctx.unbroadcast(d, r, x, node, o) : undefined));
};

/** `y = a - b`. */
export const subRule: GradRule = (node, dy, ctx, needs) => {
  const d = firstCotangent(node, dy);
  const r = ctx.rank(node.outputs[0]!, node);
  const o = ctx.view.dims(node.outputs[0]!);
  const [a, b] = node.inputs as [string, string];
  return [needs(0) ? ctx.unbroadcast(d, r, a, node, o) : undefined, needs(1) ? ctx.unbroadcast(ctx.g.op('Neg', [d]), r, b, node, o) : undefined];
};

/** `y = a · b`. */
export const mulRule: GradRule = (node, dy, ctx, needs) => {
  const d = firstCotangent(node, dy);
  const r = ctx.rank(node.outputs[0]!, node);
  const o = ctx.view.dims(node.outputs[0]!);
  const [a, b] = node.inputs as [string, string];
  return [
    needs(0) ? ctx.unbroadcast(ctx.g.op('Mul', [d, b]), r, a, node, o) : undefined,
    needs(1) ? ctx.unbroadcast(ctx.g.op('Mul', [d, a]), r, b, node, o) : undefined,
  ];
};

/** `y = a / b`: `da = dy / b`, `db = -dy · y / b`. */
export const divRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const y = node.outputs[0]!;
  const r = ctx.rank(y, node);
  const o = ctx.view.dims(y);
  const [a, b] = node.inputs as [string, string];
  return [
    needs(0) ? ctx.unbroadcast(g.op('Div', [d, b]), r, a, node, o) : undefined,
    needs(1) ? ctx.unbroadcast(g.op('Neg', [g.op('Mul', [d, g.op('Div', [y, b])])]), r, b, node, o) : undefined,
  ];
};

/** `y = -x`. */
export const negRule: GradRule = (node, dy, ctx) => [ctx.g.op('Neg', [firstCotangent(node, dy)])];
