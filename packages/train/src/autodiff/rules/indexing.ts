/**
 * Gradient rules of the ops that pick elements: Slice and Gather. The picked positions are found by applying the
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

/** `y = gather(x, indices, axis)`. */
export const gatherRule: GradRule = (node, dy, ctx) => {
  const [x, indices] = node.inputs as [string, string];
  const axis = attrInt(node, 'axis', 0);
  return [ctx.scatterBack(x, firstCotangent(node, dy), (indexMap) => ctx.g.op('Gather', [indexMap, indices], { axis }))];
};
