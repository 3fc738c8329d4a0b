/**
 * Registers checkpoint parameters as graph initializers whose data is read from the checkpoint only when the
 * model is written, so one weight at a time is in memory besides the output.
 *
 * @module
 */
import type { CheckpointReader } from '../checkpoint/checkpoint-reader.js';
import type { GraphBuilder, InitializerOptions } from '../onnx/graph-builder.js';
import type { ParameterShapes } from './expected-parameters.js';

/** How weights are stored in the graphs: float32, or float16 with a Cast to float32 (compute stays float32). */
export type WeightDType = 'fp32' | 'fp16';

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

  /** Float16 storage for tensors of rank ≥ 2 (matrices, kernels, embedding tables) when the dtype is fp16. */
  private storage(rank: number): InitializerOptions {
    return this.dtype === 'fp16' && rank >= 2 ? { storeAs: 'float16' } : {};
  }

  /**
   * Adds parameter `name` as an initializer (same name), optionally viewed with other `dims` of the same size
   * (a reshape costs nothing: the values are stored as they are).
   */
  param(g: GraphBuilder, name: string, dims: readonly number[] = this.shape(name)): string {
    if (g.has(name)) return name;
    return g.initializer(name, 'float32', dims, () => this.read(name), this.storage(this.shape(name).length));
  }

  /** Adds the `[out, in]` weight of a Linear layer transposed to `[in, out]`, ready for `MatMul(x, W)`. */
  linearWeight(g: GraphBuilder, name: string): string {
    const stored = `${name}::T`;
    if (g.has(stored)) return stored;
    const [rows, cols] = this.shape(name) as [number, number];
    return g.initializer(stored, 'float32', [cols, rows], async () => transpose2d(await this.read(name), rows, cols), this.storage(2));
  }

  /** Adds an initializer computed from parameters at write time (e.g. resized position embeddings). */
  derived(g: GraphBuilder, name: string, dims: readonly number[], compute: () => Promise<Float32Array>): string {
    return g.initializer(name, 'float32', dims, compute, this.storage(dims.filter((d) => d > 1).length));
  }
}
