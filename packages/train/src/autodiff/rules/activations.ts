/**
 * Gradient rules of the unary elementwise ops: Relu, Sigmoid, Tanh, Exp, Log, Abs, Sqrt, Erf, Softplus.
 *
 * @module
 */
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

/**
 * `y = max(x, 0)`: `dx = dy · [x > 0]` (0 at 0, PyTorch's choice), the mask cast to a 0/1 tensor and multiplied:
 * onnxruntime's Mul is vectorised where its Where is not.
 */
export const reluRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const x = node.inputs[0]!;
  const d = firstCotangent(node, dy);
  return [g.op('Mul', [d, g.op('CastLike', [g.op('Greater', [x, ctx.scalar(0, x)]), d])])];
};

/** `y = σ(x)`: `dx = dy · (y − y²)`. */
export const sigmoidRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const y = node.outputs[0]!;
  return [g.op('Mul', [firstCotangent(node, dy), g.op('Sub', [y, g.op('Mul', [y, y])])])];
};

/** `y = tanh(x)`: `dx = dy · (1 − y²)`. */
export const tanhRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const y = node.outputs[0]!;
  return [g.op('Mul', [firstCotangent(node, dy), g.op('Sub', [ctx.scalar(1, y), g.op('Mul', [y, y])])])];
};

/** `y = eˣ`: `dx = dy · y`. */
export const expRule: GradRule = (node, dy, ctx) => [ctx.g.op('Mul', [firstCotangent(node, dy), node.outputs[0]!])];

/** `y = ln x`: `dx = dy / x`. */
export const logRule: GradRule = (node, dy, ctx) => [ctx.g.op('Div', [firstCotangent(node, dy), node.inputs[0]!])];

/** `y = |x|`: `dx = dy · sign(x)` (0 at 0, as PyTorch). */
export const absRule: GradRule = (node, dy, ctx) => [ctx.g.op('Mul', [firstCotangent(node, dy), ctx.g.op('Sign', [node.inputs[0]!])])];

/** `y = √x`: `dx = dy / (2y)`. */
export const sqrtRule: GradRule = (node, dy, ctx) => {
  const y = node.outputs[0]!;
  return [ctx.g.op('Div', [firstCotangent(node, dy), ctx.g.op('Mul', [y, ctx.scalar(2, y)])])];
};

/** `y = erf(x)`: `dx = dy · 2/√π · e^(−x²)`. */
export const erfRule: GradRule = (node, dy, ctx) => {
  const { g } = ctx;
  const x = node.inputs[0]!;
  const e = g.op('Exp', [g.op('Neg', [g.op('Mul', [x, x])])]);
  return [g.op('Mul', [firstCotangent(node, dy), g.op('Mul', [e, ctx.scalar(2 / Math.sqrt(Math.PI), x)])])];
};

/** `y = ln(1 + eˣ)`: `dx = dy · σ(x)`. */
export const softplusRule: GradRule = (node, dy, ctx) => [ctx.g.op('Mul', [firstCotangent(node, dy), ctx.g.op('Sigmoid', [node.inputs[0]!])])];
