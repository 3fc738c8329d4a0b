/**
 * Gradient rules of the ops that only move or copy elements: Identity, Reshape, Flatten, Unsqueeze, Squeeze,
 * Transpose, Expand, Concat.
 *
 * @module
 */
import { attrInt, attrInts } from '../graph-view.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `y = x`. */
export const identityRule: GradRule = (node, dy) => [firstCotangent(node, dy)];

/** Reshape, Flatten, Unsqueeze, Squeeze: `dx = reshape(dy, shape(x))`; their shape/axes inputs get none. */
export const reshapeLikeRule: GradRule = (node, dy, ctx) => {
  const x = node.inputs[0]!;
  return [ctx.g.op('Reshape', [firstCotangent(node, dy), ctx.g.op('Shape', [x])])];
};

/** `y = transpose(x, perm)`: `dx = transpose(dy, perm⁻¹)`. */
export const transposeRule: GradRule = (node, dy, ctx) => {
  const perm = attrInts(node, 'perm') ?? Array.from({ length: ctx.rank(node.inputs[0]!, node) }, (_, i) => i).reverse();
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [ctx.g.op('Transpose', [firstCotangent(node, dy)], { perm: inverse })];
};

/** `y = expand(x, shape)`: `dx = dy` summed back to the shape of `x`. */
export const expandRule: GradRule = (node, dy, ctx) => [ctx.unbroadcast(firstCotangent(node, dy), ctx.rank(node.outputs[0]!, node), node.inputs[0]!, node, ctx.view.dims(node.outputs[0]!))];

/** `y = concat(x₁ … xₙ, axis)`: `dy` split along `axis` into the inputs' sizes. */
export const concatRule: GradRule = (node, dy, ctx, needs) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const r = ctx.rank(node.outputs[0]!, node);
  const axis0 = attrInt(node, 'axis', 0);
  const axis = axis0 < 0 ? axis0 + r : axis0;
  const sizes = node.inputs.map((x) => g.op('Shape', [x], { start: axis, end: axis + 1 }));
  const parts = g.opN('Split', [d, sizes.length === 1 ? sizes[0]! : g.op('Concat', sizes, { axis: 0 })], node.inputs.length, { axis });
  return parts.map((p, i) => (needs(i) ? p : undefined));
};
