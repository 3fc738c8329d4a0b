/**
 * A {@link WeightStore} that makes every parameter a graph input (HF name, HF layout) instead of an initializer,
 * so that the converter's graph builders produce graphs whose parameters are fed at run time (training graphs).
 *
 * @module
 */
import type { ParameterShapes } from '@clipseg/convert';
import type { GraphBuilder } from '@clipseg/convert/graph';
import { WeightStore } from '@clipseg/convert/graph';

type LinearSlice = Parameters<WeightStore['linearWeight']>[2];

const noReads = {
  readFloat32: (name: string): Promise<Float32Array> => Promise.reject(new Error(`Parameter '${name}' is a graph input, not read (internal error).`)),
};

/**
 * Parameters become graph inputs named as in HF (`decoder.layers.0.mlp.fc1.weight`, shape as in the checkpoint).
 * What the builders derive from them becomes ops on those inputs: a Linear weight's `<name>::T` is a Transpose, a
 * slice of it (the decoder MLP's 256-wide slices) a Slice of that, a bias slice a Slice, a reshaped view a
 * Reshape. The gradients of the inputs are then the gradients of the whole HF parameters.
 */
export class ParameterInputStore extends WeightStore {
  /** The parameters made inputs so far, in order of first use. */
  readonly used: string[] = [];

  /** @param shapes - the parameters' shapes, e.g. `expectedParameters(config)` of `@clipseg/convert` */
  constructor(shapes: ParameterShapes) {
    super(noReads, shapes, 'fp32');
  }

  private declare(g: GraphBuilder, name: string): string {
    if (g.has(name)) return name;
    this.used.push(name);
    return g.input(name, 'float32', this.shape(name));
  }

  /** The parameter as an input, or a Reshape of it when `dims` differ from its shape. */
  override param(g: GraphBuilder, name: string, dims: readonly number[] = this.shape(name)): string {
    const input = this.declare(g, name);
    const shape = this.shape(name);
    if (dims.length === shape.length && dims.every((d, k) => d === shape[k])) return input;
    const view = `${name}::view[${dims.join(',')}]`;
    return g.has(view) ? view : g.op('Reshape', [input, g.constInt64([...dims])], {}, view);
  }

  /** `Transpose(<name>)` (`[in, out]`), or the Slice of it that `slice` names. */
  override linearWeight(g: GraphBuilder, name: string, slice?: LinearSlice): string {
    const transposed = `${name}::T`;
    if (!g.has(transposed)) g.op('Transpose', [this.declare(g, name)], { perm: [1, 0] }, transposed);
    if (slice === undefined) return transposed;
    const stored = slice.of === 'rows' ? `${transposed}[${slice.start}:${slice.start + slice.count}]` : `${transposed}[:, ${slice.start}:${slice.start + slice.count}]`;
    if (g.has(stored)) return stored;
    // Rows of the [out, in] weight are columns (axis 1) of its transpose, and columns are rows (axis 0).
    const axis = slice.of === 'rows' ? 1 : 0;
    return g.op('Slice', [transposed, g.constInt64([slice.start]), g.constInt64([slice.start + slice.count]), g.constInt64([axis])], {}, stored);
  }

  /** `Slice(<name>)` of elements `start … start + count - 1`. */
  override vectorSlice(g: GraphBuilder, name: string, start: number, count: number): string {
    const stored = `${name}[${start}:${start + count}]`;
    if (g.has(stored)) return stored;
    return g.op('Slice', [this.declare(g, name), g.constInt64([start]), g.constInt64([start + count]), g.constInt64([0])], {}, stored);
  }

  /** Unsupported: a derived table would hide its parameter from the gradient. */
  override derived(): string {
    throw new Error('A training graph cannot use derived initializers: their parameters would get no gradient (internal error).');
  }
}
