/**
 * Gradient rules of the ops that pick elements: Slice, Gather and GatherND. The picked positions are found by applying the
 * same op to a map of flat indices, and the cotangent is scattered back there (repeats summed); a Slice whose bounds
 * are known while building is undone by zero padding instead.
 *
 * @module
 */
import { attrInt } from '../graph-view.js';
import type { GradContext, GradRule } from '../grad-context.js';
import type { ViewNode } from '../graph-view.js';
import { firstCotangent } from '../grad-context.js';

/**
 * `y = x[starts:ends:steps]` along `axes`. With constant bounds, step 1 and the sliced dims of `x` known, the
 * cotangent is zero-padded back (Pad); otherwise scattered back through an index map.
 */
export const sliceRule: GradRule = (node, dy, ctx) => {
  const [x, ...rest] = node.inputs as [string, ...string[]];
  const d = firstCotangent(node, dy);
  const pads = slicePads(node, ctx);
  if (pads !== undefined) return [pads.every((p) => p === 0) ? d : ctx.g.op('Pad', [d, ctx.g.constInt64(pads)])];
  return [ctx.scatterBack(x, d, (indexMap) => ctx.g.op('Slice', [indexMap, ...rest]))];
};

/** Pad's `pads` (begins, then ends) that undo a step-1 Slice with constant bounds, or undefined. */
function slicePads(node: ViewNode, ctx: GradContext): number[] | undefined {
  const [x, startsName, endsName, axesName, stepsName] = node.inputs as [string, string, string, string?, string?];
  const dims = ctx.view.dims(x);
  const starts = ctx.view.int64(startsName);
  const ends = ctx.view.int64(endsName);
  const axes = axesName === undefined || axesName === '' ? starts?.map((_, i) => i) : ctx.view.int64(axesName);
  const steps = stepsName === undefined || stepsName === '' ? starts?.map(() => 1) : ctx.view.int64(stepsName);
  if (dims === undefined || starts === undefined || ends === undefined || axes === undefined || steps?.every((s) => s === 1) !== true) return undefined;
  const r = dims.length;
  const pads = new Array<number>(2 * r).fill(0);
  for (let k = 0; k < axes.length; k++) {
    const axis = axes[k]! < 0 ? axes[k]! + r : axes[k]!;
    const n = dims[axis];
    if (typeof n !== 'number') return undefined;
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const start = clamp(starts[k]!);
    const end = Math.max(start, clamp(ends[k]!));
    pads[axis] = start;
    pads[axis + r] = n - end;
  }
  return pads;
}

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
