/**
 * Reverse-mode differentiation of a {@link GraphBuilder} graph: appends, after the forward nodes, the nodes that
 * compute the gradient of a loss tensor with respect to chosen tensors (standard ONNX ops only), and declares them
 * as graph outputs `grad.<name>`. The result is one inference graph that any onnxruntime backend runs.
 *
 * @module
 */
import type { GraphBuilder } from '@clipseg/convert/graph';
import { AutodiffError } from './autodiff-error.js';
import { GradContext } from './grad-context.js';
import type { GradRule } from './grad-context.js';
import { GraphView } from './graph-view.js';
import type { ViewNode } from './graph-view.js';
import { GRAD_RULES } from './rules/index.js';

/** Options of {@link addGradients}. */
export interface AddGradientsOptions {
  /** The tensor to differentiate (any shape; a non-scalar loss is differentiated as the sum of its elements). */
  readonly loss: string;
  /** The tensors to differentiate with respect to: graph inputs (e.g. parameters fed as inputs), initializers or node outputs. */
  readonly wrt: readonly string[];
  /** Prefix of the gradient outputs (default `grad.`). */
  readonly prefix?: string;
  /** Extra or replacement rules by operator type. */
  readonly rules?: Readonly<Record<string, GradRule>>;
  /**
   * Values of the graph's small int64 initializers (`await readInt64Constants(g)`): with them the dims of
   * Reshape, Slice, Unsqueeze … outputs are inferred, so that un-broadcasting is decided while building (constant
   * axes, or no op at all) instead of by Shape/NonZero/ReduceSum at run time. The gradients are the same.
   */
  readonly int64Values?: ReadonlyMap<string, readonly number[]>;
}

/** What {@link addGradients} added. */
export interface AddedGradients {
  /** Output name of the gradient of each tensor the loss depends on (`grad.<name>`), in `wrt` order. */
  readonly outputs: ReadonlyMap<string, string>;
  /** The `wrt` tensors the loss does not depend on (no output is declared for them). */
  readonly unreached: readonly string[];
}

/** Ops whose outputs carry no gradient (shapes, sizes, indices, comparisons). */
const NON_DIFFERENTIABLE = new Set(['Shape', 'Size', 'NonZero', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'Not', 'And', 'Or', 'Xor', 'ArgMax', 'ArgMin', 'ConstantOfShape', 'Range', 'IsNaN', 'IsInf']);

/** Tensors depending on any of `wrt` (through differentiable ops), and the nodes on a path from them to `loss`. */
function activeNodes(view: GraphView, wrt: ReadonlySet<string>, loss: string): { nodes: ViewNode[]; depends: Set<string> } {
  const depends = new Set(wrt);
  for (const node of view.nodes) {
    if (node.domain === '' && NON_DIFFERENTIABLE.has(node.opType)) continue;
    if (node.inputs.some((i) => depends.has(i))) for (const o of node.outputs) depends.add(o);
  }
  const needed = new Set<string>([loss]);
  const nodes: ViewNode[] = [];
  for (let k = view.nodes.length - 1; k >= 0; k--) {
    const node = view.nodes[k]!;
    if (!node.outputs.some((o) => needed.has(o)) || !node.inputs.some((i) => depends.has(i))) continue;
    nodes.push(node);
    for (const i of node.inputs) if (depends.has(i)) needed.add(i);
  }
  return { nodes, depends };
}

/**
 * Appends the reverse-mode gradient of `options.loss` with respect to each of `options.wrt` to `g`, and declares
 * each as an output `grad.<name>` of the tensor's element type (float32 when it is not a declared input).
 * Gradients of a tensor used several times are summed; broadcast operands get their cotangents summed back to
 * their shapes.
 *
 * @throws AutodiffError when a tensor is unknown, an op on the loss path has no rule, or a rule needs a rank the
 * graph does not determine
 */
export function addGradients(g: GraphBuilder, options: AddGradientsOptions): AddedGradients {
  const view = new GraphView(g, options.int64Values);
  const prefix = options.prefix ?? 'grad.';
  for (const name of [options.loss, ...options.wrt]) {
    if (!view.has(name)) throw new AutodiffError('AUTODIFF_UNKNOWN_TENSOR', `'${name}' is not a tensor of graph '${g.name}'; pass the name of a graph input, initializer or node output.`, { tensor: name });
  }
  const rules = { ...GRAD_RULES, ...options.rules };
  const wrt = new Set(options.wrt);
  const { nodes, depends } = activeNodes(view, wrt, options.loss);
  const ctx = new GradContext(g, view);
  const parts = new Map<string, string[]>();
  const add = (name: string, grad: string): void => {
    const list = parts.get(name);
    if (list === undefined) parts.set(name, [grad]);
    else list.push(grad);
  };
  /** The accumulated cotangent of `name` (contributions summed once, then reused). */
  const total = (name: string): string | undefined => {
    const list = parts.get(name);
    if (list === undefined) return undefined;
    if (list.length > 1) {
      const sum = list.reduce((acc, t) => g.op('Add', [acc, t]));
      list.splice(0, list.length, sum);
    }
    return list[0];
  };
  if (depends.has(options.loss)) add(options.loss, g.op('Expand', [ctx.scalar(1, options.loss), g.op('Shape', [options.loss])]));
  for (const node of nodes) {
    const dy = node.outputs.map(total);
    if (dy.every((d) => d === undefined)) continue;
    const rule = node.domain === '' ? rules[node.opType] : undefined;
    if (rule === undefined) {
      throw new AutodiffError('AUTODIFF_UNSUPPORTED_OP', `No gradient rule for ${node.domain === '' ? '' : `${node.domain}.`}${node.opType} (on the path from the loss to the trained tensors); build that part of the graph from supported ops or pass a rule in options.rules.`, { opType: node.opType, domain: node.domain });
    }
    const dx = rule(node, dy, ctx, (i) => depends.has(node.inputs[i] ?? ''));
    node.inputs.forEach((input, i) => {
      const d = dx[i];
      if (d !== undefined && depends.has(input)) add(input, d);
    });
  }
  const outputs = new Map<string, string>();
  const unreached: string[] = [];
  for (const name of options.wrt) {
    const grad = total(name);
    if (grad === undefined) {
      unreached.push(name);
      continue;
    }
    const out = g.op('Identity', [grad], {}, `${prefix}${name}`);
    const declared = view.declared.get(name);
    const rank = view.rank(name) ?? 0;
    g.output(out, declared?.type ?? 'float32', declared?.dims ?? Array.from({ length: rank }, (_, i) => `${out}_dim${i}`));
    outputs.set(name, out);
  }
  return { outputs, unreached };
}
