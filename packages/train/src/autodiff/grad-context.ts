/**
 * What a gradient rule gets to work with: the builder to append nodes to, the forward graph's ranks, and the
 * helpers shared by several rules (un-broadcasting, typed scalar constants, scatter through an index map).
 *
 * @module
 */
import type { GraphBuilder } from '@clipseg/convert/graph';
import { AutodiffError } from './autodiff-error.js';
import type { GraphView, ViewNode } from './graph-view.js';
import type { InferredDim } from './shape-inference.js';

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
   * `like` lacks, then over every axis where `like` has size 1. The axes are decided now where the dims tell
   * (`like`'s inferred dims, and `gradDims`, the broadcast dims, where `like`'s are symbolic): a ReduceSum with
   * constant axes, or nothing when no axis was broadcast. Only where a dim of `like` is unknown, or symbolic
   * and not known to equal the broadcast one, are the axes found at run time.
   */
  unbroadcast(grad: string, gradRank: number, like: string, node: ViewNode, gradDims?: readonly InferredDim[]): string {
    const { g } = this;
    const likeRank = this.rank(like, node);
    let out = grad;
    if (gradRank > likeRank) {
      const lead = Array.from({ length: gradRank - likeRank }, (_, i) => i);
      out = g.op('ReduceSum', [out, g.constInt64(lead)], { keepdims: 0 });
    }
    if (likeRank === 0) return out;
    const axes = this.broadcastAxes(like, gradDims?.length === gradRank ? gradDims.slice(gradRank - likeRank) : undefined);
    if (axes !== undefined) return axes.length === 0 ? out : g.op('ReduceSum', [out, g.constInt64(axes)], { keepdims: 1 });
    const ones = g.op('Equal', [g.op('Shape', [like]), g.constInt64([1], [])]);
    const found = g.op('Reshape', [g.op('NonZero', [ones]), g.constInt64([-1])]);
    return g.op('ReduceSum', [out, found], { keepdims: 1, noop_with_empty_axes: 1 });
  }

  /**
   * The axes along which `like` was broadcast to `outDims` (same rank), or undefined when that cannot be told
   * while building.
   */
  private broadcastAxes(like: string, outDims: readonly InferredDim[] | undefined): number[] | undefined {
    const dims = this.view.dims(like);
    if (dims === undefined) return undefined;
    const axes: number[] = [];
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      const o = outDims?.[i];
      if (d === 1) {
        if (o !== 1) axes.push(i);
      } else if (typeof d === 'string') {
        // A symbolic dim may be 1 at run time; it was not broadcast only where the output's dim is the same one.
        if (o !== d) return undefined;
      } else if (d === undefined) {
        return undefined;
      }
    }
    return axes;
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
