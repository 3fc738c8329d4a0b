/**
 * Gradient rule of Softmax (opset 13: one axis): `dx = y · (dy − Σ_axis(dy · y))`.
 *
 * @module
 */
import { attrInt } from '../graph-view.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/** `y = softmax(x, axis)`. */
export const softmaxRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const d = firstCotangent(node, dy);
  const y = node.outputs[0]!;
  const axis = attrInt(node, 'axis', -1);
  const dot = g.op('ReduceSum', [g.op('Mul', [d, y]), g.constInt64([axis])], { keepdims: 1 });
  return [g.op('Mul', [y, g.op('Sub', [d, dot])])];
};
