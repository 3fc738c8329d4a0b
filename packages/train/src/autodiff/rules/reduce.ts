/**
 * Gradient rules of ReduceSum (opset 13: axes as input) and ReduceMean (opset 17: axes as attribute): the
 * cotangent is given back its reduced axes (when `keepdims` is 0), expanded to the input's shape, and for the mean
 * divided by the number of elements averaged.
 *
 * @module
 */
import { attrInt, attrInts } from '../graph-view.js';
import type { GradContext, GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

function expandBack(ctx: GradContext, x: string, d: string, keep: boolean, axes: string | undefined): string {
  const { g } = ctx;
  const kept = keep || axes === undefined ? d : g.op('Unsqueeze', [d, axes]);
  return g.op('Expand', [kept, g.op('Shape', [x])]);
}

/** `y = Σ_axes x`. */
export const reduceSumRule: GradRule = (node, dy, ctx) => {
  const [x, axes] = node.inputs as [string, string | undefined];
  const noAxes = axes === undefined || axes === '';
  return [expandBack(ctx, x, firstCotangent(node, dy), attrInt(node, 'keepdims', 1) === 1, noAxes ? undefined : axes)];
};

/** `y = mean_axes x`. */
export const reduceMeanRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const x = node.inputs[0]!;
  const y = node.outputs[0]!;
  const axesList = attrInts(node, 'axes');
  const axes = axesList === undefined ? undefined : g.constInt64(axesList);
  const d = firstCotangent(node, dy);
  const full = expandBack(ctx, x, d, attrInt(node, 'keepdims', 1) === 1, axes);
  const ratio = g.op('Div', [g.op('CastLike', [g.op('Size', [y]), d]), g.op('CastLike', [g.op('Size', [x]), d])]);
  return [g.op('Mul', [full, ratio])];
};
