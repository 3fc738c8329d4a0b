/**
 * What a gradient rule gets to work with: the builder to append nodes to, the forward graph's ranks, and the
 * helpers shared by several rules (un-broadcasting, typed scalar constants, scatter through an index map).
 *
 * @module
 */
import type { GraphBuilder } from '@clipseg/convert/graph';
import { AutodiffError } from './autodiff-error.js';
import type { GraphView, ViewNode } from './graph-view.js';

/** Helpers and state a rule uses. */
export class GradContext {
  /** The builder gradient nodes are appended to. */
  readonly g: GraphBuilder;
  /** The forward graph. */
  readonly view: GraphView;

  /**
   * @param g - the builder
   * @param view - a view of the forward graph
   */
  constructor(g: GraphBuilder, view: GraphView) {
    this.g = g;
    this.view = view;
  }

  /** The rank of forward tensor `name`; throws when it cannot be inferred. */
  rank(name: string, node: ViewNode): number {
    const r = this.view.rank(name);
    if (r === undefined) {
      throw new AutodiffError('AUTODIFF_UNKNOWN_RANK', `The gradient of ${node.opType} needs the rank of '${name}', which could not be inferred; declare the graph inputs with their full dims.`, { opType: node.opType, tensor: name });
    }
    return r;
  }

  /** Scalar constant `value` in the element type of `like` (a float32 constant cast like it). */
  scalar(value: number, like: string): string {
    return this.g.op('CastLike', [this.g.constFloat32([value], []), like]);
  }

  /**
   * Sums `grad` (of rank `gradRank`, the broadcast shape) down to the shape of `like`: over the leading axes
   * `like` lacks, then over every axis where `like` has size 1 (read from its declared dims when they are all
   * fixed, else found at run time, so symbolic dims work).
   */
  unbroadcast(grad: string, gradRank: number, like: string, node: ViewNode): string {
    const { g } = this;
    const likeRank = this.rank(like, node);
    let out = grad;
    if (gradRank > likeRank) {
      const lead = Array.from({ length: gradRank - likeRank }, (_, i) => i);
      out = g.op('ReduceSum', [out, g.constInt64(lead)], { keepdims: 0 });
    }
    if (likeRank === 0) return out;
    const dims = this.view.declared.get(like)?.dims;
    if (dims !== undefined && dims.every((d) => typeof d === 'number')) {
      // Declared with fixed dims (parameters, most often): the axes to sum are known now.
      const axes = dims.flatMap((d, i) => (d === 1 ? [i] : []));
      return axes.length === 0 ? out : g.op('ReduceSum', [out, g.constInt64(axes)], { keepdims: 1 });
    }
    const ones = g.op('Equal', [g.op('Shape', [like]), g.constInt64([1], [])]);
    const axes = g.op('Reshape', [g.op('NonZero', [ones]), g.constInt64([-1])]);
    return g.op('ReduceSum', [out, axes], { keepdims: 1, noop_with_empty_axes: 1 });
  }

  /** Swaps the last two axes of a tensor of rank `rank`. */
  transposeLast2(x: string, rank: number): string {
    const perm = Array.from({ length: rank }, (_, i) => i);
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return this.g.op('Transpose', [x], { perm });
  }

  /**
   * The adjoint of an op that picks elements of `x` (Slice, Gather …): `select` maps a tensor shaped like `x`
   * to the picked tensor; the cotangent `dy` is scattered back (summing repeats) into zeros shaped like `x`.
   */
  scatterBack(x: string, dy: string, select: (indexMap: string) => string): string {
    const { g } = this;
    const shape = g.op('Shape', [x]);
    const size = g.op('Size', [x]);
    const flatIndex = g.op('Range', [g.constInt64([0], []), size, g.constInt64([1], [])]);
    const picked = select(g.op('Reshape', [flatIndex, shape]));
    const zeros = g.op('CastLike', [g.op('ConstantOfShape', [g.op('Reshape', [size, g.constInt64([1])])]), dy]);
    const flat = g.op('ScatterElements', [zeros, g.op('Reshape', [picked, g.constInt64([-1])]), g.op('Reshape', [dy, g.constInt64([-1])])], { axis: 0, reduction: 'add' });
    return g.op('Reshape', [flat, shape]);
  }
}

/**
 * A gradient rule: given a forward node and the cotangents of its outputs (undefined where no gradient flows),
 * returns the cotangent of each input (undefined where none is needed: `needs(i)` is false, or the input is not
 * differentiable).
 */
export type GradRule = (node: ViewNode, dy: readonly (string | undefined)[], ctx: GradContext, needs: (input: number) => boolean) => readonly (string | undefined)[];

/** The cotangent of output 0, which single-output rules require. */
export function firstCotangent(node: ViewNode, dy: readonly (string | undefined)[]): string {
  const d = dy[0];
  if (d === undefined) throw new AutodiffError('AUTODIFF_UNSUPPORTED_FORM', `${node.opType}: only its first output can carry a gradient.`, { opType: node.opType });
  return d;
}
