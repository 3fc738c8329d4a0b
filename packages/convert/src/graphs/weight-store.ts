/**
 * Registers checkpoint parameters as graph initializers whose data is read from the checkpoint only when the
 * model is written, so one weight at a time is in memory besides the output.
 *
 * @module
 */
import type { BundleWeightDType } from '@clipseg/core';
import type { CheckpointReader } from '../checkpoint/checkpoint-reader.js';
import type { GraphBuilder, InitializerOptions } from '../onnx/graph-builder.js';
import type { ParameterShapes } from './expected-parameters.js';

/**
 * How weights are stored in the graphs: float32; float16 with a Cast to float32 (compute stays float32); or int8
 * Linear matrices (per output channel) with the other matrices, tables and kernels as float16.
 */
export type WeightDType = BundleWeightDType;

/** Part of a Linear layer's `[out, in]` weight: rows `start … start + count - 1` (outputs) or those columns (inputs). */
export interface LinearSlice {
  readonly of: 'rows' | 'columns';
  readonly start: number;
  readonly count: number;
}

/** A Linear layer's matrix quantised for `DynamicQuantizeMatMul`: int8 `[in, out]` and one float32 scale per output. */
export interface QuantizedLinear {
  /** Initializer name of the int8 `[in, out]` matrix. */
  readonly weight: string;
  /** Initializer name of the float32 `[out]` scales. */
  readonly scale: string;
}

/**
 * Quantises a row-major `[out, in]` Linear weight symmetrically per output channel (row): `scale = max|w| / 127`,
 * `q = round(w / scale)` in [-127, 127], returned transposed to `[in, out]` for `MatMul(x, W)`. A row of zeros gets
 * scale 1.
 */
export function quantizeLinearPerChannel(source: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(source[base + c]!));
    const s = max > 0 ? max / 127 : 1;
    scale[r] = s;
    // |w| ≤ max, so |w / s| ≤ 127 and the rounded value is already in range.
    for (let c = 0; c < cols; c++) q[c * rows + r] = Math.round(source[base + c]! / s);
  }
  return { q, scale };
}

/** Transposes a row-major `[rows, cols]` matrix. */
export function transpose2d(source: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(source.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = source[base + c]!;
  }
  return out;
}

/** Lazy access to checkpoint parameters for the graph builders. */
export class WeightStore {
  private readonly reader: Pick<CheckpointReader, 'readFloat32'>;
  private readonly shapes: ParameterShapes;
  private readonly dtype: WeightDType;

  /**
   * @param reader - the checkpoint (already validated against `shapes`)
   * @param shapes - parameter shapes, from `expectedParameters(config)`
   * @param dtype - storage type of matrices, tables and kernels (vectors always stay float32)
   */
  constructor(reader: Pick<CheckpointReader, 'readFloat32'>, shapes: ParameterShapes, dtype: WeightDType) {
    this.reader = reader;
    this.shapes = shapes;
    this.dtype = dtype;
  }

  /** Shape of parameter `name`. */
  shape(name: string): readonly number[] {
    const shape = this.shapes.get(name);
    if (shape === undefined) throw new Error(`Parameter '${name}' is not part of this model (internal error).`);
    return shape;
  }

  /** Reads parameter `name` as float32. */
  async read(name: string): Promise<Float32Array> {
    const data = await this.reader.readFloat32(name);
    const size = this.shape(name).reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new RangeError(`Parameter '${name}' has ${data.length} values, expected ${size}.`);
    return data;
  }

  /** True when Linear layers are int8 (see {@link WeightStore.quantizedLinearWeight}). */
  get quantized(): boolean {
    return this.dtype === 'int8';
  }

  /** Float16 storage for tensors of rank ≥ 2 (matrices, kernels, embedding tables) when the dtype is fp16 or int8. */
  private storage(rank: number): InitializerOptions {
    return this.dtype !== 'fp32' && rank >= 2 ? { storeAs: 'float16' } : {};
  }

  /**
   * Adds parameter `name` as an initializer (same name), optionally viewed with other `dims` of the same size
   * (a reshape costs nothing: the values are stored as they are).
   */
  param(g: GraphBuilder, name: string, dims: readonly number[] = this.shape(name)): string {
    if (g.has(name)) return name;
    return g.initializer(name, 'float32', dims, () => this.read(name), this.storage(this.shape(name).length));
  }

  /**
   * Reads the `[out, in]` Linear weight `name`, or the part of it `slice` names: some rows (output features) or
   * some columns (input features); returns it row-major with its shape.
   */
  private async readLinear(name: string, slice: LinearSlice | undefined): Promise<{ data: Float32Array; rows: number; cols: number }> {
    const [rows, cols] = this.shape(name) as [number, number];
    const w = await this.read(name);
    if (slice === undefined) return { data: w, rows, cols };
    const { start, count } = slice;
    if (slice.of === 'rows') return { data: w.subarray(start * cols, (start + count) * cols), rows: count, cols };
    const data = new Float32Array(rows * count);
    for (let r = 0; r < rows; r++) data.set(w.subarray(r * cols + start, r * cols + start + count), r * count);
    return { data, rows, cols: count };
  }

  /** The initializer-name suffix of a slice. */
  private static sliceSuffix(slice: LinearSlice | undefined): string {
    return slice === undefined ? '' : slice.of === 'rows' ? `[${slice.start}:${slice.start + slice.count}]` : `[:, ${slice.start}:${slice.start + slice.count}]`;
  }

  /**
   * Adds the `[out, in]` Linear weight `name` — or the part `slice` names — transposed to `[in, out]`, ready for
   * `MatMul(x, W)`. A row slice gives some of the layer's outputs; a column slice the contribution of some of its
   * inputs.
   */
  linearWeight(g: GraphBuilder, name: string, slice?: LinearSlice): string {
    const stored = `${name}::T${WeightStore.sliceSuffix(slice)}`;
    if (g.has(stored)) return stored;
    const [rows, cols] = this.shape(name) as [number, number];
    const dims = slice === undefined ? [cols, rows] : slice.of === 'rows' ? [cols, slice.count] : [slice.count, rows];
    return g.initializer(stored, 'float32', dims, async () => {
      const part = await this.readLinear(name, slice);
      return transpose2d(part.data, part.rows, part.cols);
    }, this.storage(2));
  }

  /** Adds elements `start … start + count - 1` of the vector parameter `name` (e.g. a slice of a bias). */
  vectorSlice(g: GraphBuilder, name: string, start: number, count: number): string {
    const stored = `${name}[${start}:${start + count}]`;
    if (g.has(stored)) return stored;
    return g.initializer(stored, 'float32', [count], async () => (await this.read(name)).slice(start, start + count));
  }

  /**
   * Adds the Linear weight `name` (or the part `slice` names) quantised per output channel
   * ({@link quantizeLinearPerChannel}) as two initializers, computed once when the first of them is written.
   */
  quantizedLinearWeight(g: GraphBuilder, name: string, slice?: LinearSlice): QuantizedLinear {
    const suffix = WeightStore.sliceSuffix(slice);
    const weight = `${name}::int8${suffix}`;
    const scale = `${name}::scale${suffix}`;
    if (g.has(weight)) return { weight, scale };
    const [rows, cols] = this.shape(name) as [number, number];
    const [outs, ins] = slice === undefined ? [rows, cols] : slice.of === 'rows' ? [slice.count, cols] : [rows, slice.count];
    let pending: Promise<{ q: Int8Array; scale: Float32Array }> | undefined;
    let taken = 0;
    // Both initializers come from one pass; drop it once both have been written.
    const take = async <K extends 'q' | 'scale'>(key: K): Promise<{ q: Int8Array; scale: Float32Array }[K]> => {
      pending ??= this.readLinear(name, slice).then((part) => quantizeLinearPerChannel(part.data, part.rows, part.cols));
      const value = (await pending)[key];
      if (++taken === 2) pending = undefined;
      return value;
    };
    g.initializer(weight, 'int8', [ins, outs], () => take('q'));
    g.initializer(scale, 'float32', [outs], () => take('scale'));
    return { weight, scale };
  }

  /** Adds an initializer computed from parameters at write time (e.g. resized position embeddings). */
  derived(g: GraphBuilder, name: string, dims: readonly number[], compute: () => Promise<Float32Array>): string {
    return g.initializer(name, 'float32', dims, compute, this.storage(dims.filter((d) => d > 1).length));
  }
}
