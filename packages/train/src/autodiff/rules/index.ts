/**
 * The table of gradient rules, by ONNX operator type (default domain).
 *
 * @module
 */
import type { GradRule } from '../grad-context.js';
import { absRule, erfRule, expRule, logRule, reluRule, sigmoidRule, softplusRule, sqrtRule, tanhRule } from './activations.js';
import { convRule, convTransposeRule } from './conv.js';
import { addRule, divRule, mulRule, negRule, subRule } from './elementwise.js';
import { gatherNdRule, gatherRule, sliceRule } from './indexing.js';
import { gemmRule } from './gemm.js';
import { layerNormRule } from './layer-norm.js';
import { matMulRule } from './matmul.js';
import { reduceMeanRule, reduceSumRule } from './reduce.js';
import { castRule, maxRule, minRule, powRule, splitRule, whereRule } from './select.js';
import { concatRule, expandRule, identityRule, reshapeLikeRule, transposeRule } from './shape-ops.js';
import { softmaxRule } from './softmax.js';

/** Gradient rule of each supported operator type. */
export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  Abs: absRule,
  Add: addRule,
  Cast: castRule,
  Concat: concatRule,
  Conv: convRule,
  ConvTranspose: convTransposeRule,
  Div: divRule,
  Erf: erfRule,
  Exp: expRule,
  Expand: expandRule,
  Flatten: reshapeLikeRule,
  Gather: gatherRule,
  GatherND: gatherNdRule,
  Gemm: gemmRule,
  Identity: identityRule,
  LayerNormalization: layerNormRule,
  Log: logRule,
  MatMul: matMulRule,
  Max: maxRule,
  Min: minRule,
  Mul: mulRule,
  Neg: negRule,
  Pow: powRule,
  ReduceMean: reduceMeanRule,
  ReduceSum: reduceSumRule,
  Relu: reluRule,
  Reshape: reshapeLikeRule,
  Sigmoid: sigmoidRule,
  Slice: sliceRule,
  Softmax: softmaxRule,
  Softplus: softplusRule,
  Split: splitRule,
  Sqrt: sqrtRule,
  Squeeze: reshapeLikeRule,
  Sub: subRule,
  Tanh: tanhRule,
  Transpose: transposeRule,
  Unsqueeze: reshapeLikeRule,
  Where: whereRule,
};

/** Operator types {@link GRAD_RULES} covers, sorted. */
export const DIFFERENTIABLE_OPS: readonly string[] = Object.keys(GRAD_RULES).sort();
