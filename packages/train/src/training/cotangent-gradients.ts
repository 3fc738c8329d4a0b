/**
 * The chain rule across graphs: a graph's outputs get their gradients from a later graph (cotangents, fed as
 * inputs), and this graph's parameters get theirs from them.
 *
 * @module
 */
import type { GraphBuilder } from '@clipseg/convert/graph';
import { addGradients } from '../autodiff/differentiate.js';

/**
 * Appends `Σ_k Σ outputs[k] · cot.<outputs[k]>` (each cotangent an input `cot.<output>` of `dims[k]`) and its
 * gradients with respect to `wrt`: the vector–Jacobian product of the graph's outputs.
 *
 * @returns the gradient output of each name of `wrt`
 */
export function differentiateWithCotangents(g: GraphBuilder, outputs: readonly string[], dims: readonly (readonly (number | string)[])[], wrt: readonly string[], prefix?: string): ReadonlyMap<string, string> {
  const terms = outputs.map((o, i) => g.op('ReduceSum', [g.op('Mul', [o, g.input(`cot.${o}`, 'float32', dims[i]!)])], { keepdims: 0 }));
  const loss = terms.reduce((a, b) => g.op('Add', [a, b]));
  return addGradients(g, prefix === undefined ? { loss, wrt } : { loss, wrt, prefix }).outputs;
}
