/**
 * Gradient rules of the ops that pick elements: Slice, Gather and GatherND. The picked positions are found by applying the
 * same op to a map of flat indices, and the cotangent is scattered back there (repeats summed).
 *
 * @module
 */
import { attrInt } from '../graph-view.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `y = x[starts:ends:steps]` along `axes`. */
export const sliceRule: GradRule = (node, dy, ctx) => {
  const [x, ...rest] = node.inputs as [string, ...string[]];
  return [ctx.scatterBack(x, firstCotangent(node, dy), (indexMap) => ctx.g.op('Slice', [indexMap, ...rest]))];
};

/**
 * `y = gather(x, indices, axis)`. Along axis 0 (embedding tables) the rows are scattered straight back with
 * ScatterND (no index map of the whole table); along other axes through an index map.
 */
export const gatherRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const [x, indices] = node.inputs as [string, string];
  const axis = attrInt(node, 'axis', 0);
  const d = firstCotangent(node, dy);
  if (axis !== 0 && axis !== -ctx.rank(x, node)) return [ctx.scatterBack(x, d, (indexMap) => g.op('Gather', [indexMap, indices], { axis }))];
  const rows = g.op('Shape', [x], { start: 0, end: 1 });
  const wrapped = g.op('Where', [g.op('Less', [indices, g.constInt64([0], [])]), g.op('Add', [indices, rows]), indices]);
  const zeros = g.op('CastLike', [g.op('ConstantOfShape', [g.op('Shape', [x])]), d]);
  return [g.op('ScatterND', [zeros, g.op('Unsqueeze', [wrapped, g.constInt64([-1])]), d], { reduction: 'add' })];
};

/** `y = gatherND(x, indices, batch_dims)`. */
export const gatherNdRule: GradRule = (node, dy, ctx) => {
  const [x, indices] = node.inputs as [string, string];
  const batchDims = attrInt(node, 'batch_dims', 0);
  return [ctx.scatterBack(x, firstCotangent(node, dy), (indexMap) => ctx.g.op('GatherND', [indexMap, indices], { batch_dims: batchDims }))];
};
