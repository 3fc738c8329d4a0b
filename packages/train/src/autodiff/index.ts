/**
 * Reverse-mode gradients for ONNX graphs built with `@clipseg/convert/graph`'s GraphBuilder.
 *
 * @module
 */
export { addGradients } from './differentiate.js';
export type { AddGradientsOptions, AddedGradients } from './differentiate.js';
export { AutodiffError } from './autodiff-error.js';
export type { AutodiffErrorCode } from './autodiff-error.js';
export { bceWithLogitsMean } from './bce-with-logits.js';
export { GradContext, firstCotangent } from './grad-context.js';
export type { GradRule } from './grad-context.js';
export { GraphView, attrFloat, attrInt, attrInts } from './graph-view.js';
export { readInt64Constants } from './shape-inference.js';
export type { InferredDim } from './shape-inference.js';
export type { DeclaredTensor, ViewNode } from './graph-view.js';
export { DIFFERENTIABLE_OPS, GRAD_RULES } from './rules/index.js';
