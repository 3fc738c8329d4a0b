/**
 * Resizing the vision position-embedding table to another patch grid, exactly as HF
 * `CLIPSegVisionEmbeddings.interpolate_pos_encoding` does it with PyTorch
 * `interpolate(mode='bicubic', align_corners=False)`. Used by the converter (tables baked into the fixed-size
 * graphs) and at run time by `CLIPSegVisionModel` (the `vision_model` graph takes them as an input). The resize is
 * linear in the table; `interpolatePositionEmbeddingsAdjoint` is its transpose (the table's gradient from the
 * resized table's), built on the same taps so the two cannot drift apart. This module is their one owner
 * (`@clipseg/convert` re-exports the forward).
 *
 * @module
 */

/** PyTorch's cubic convolution coefficient. */
const A = -0.75;

/** Weights of the 4 taps at offsets −1, 0, 1, 2 for fractional position `t` (PyTorch `get_cubic_upsample_coefficients`). */
function cubicWeights(t: number): [number, number, number, number] {
  const near = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

interface Taps {
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/** Source taps (border-clamped) and weights for each output position along one axis. */
function axisTaps(inSize: number, outSize: number): Taps {
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  // align_corners=False without a scale factor: scale = in / out, rounded to float32 as PyTorch stores it;
  // the source coordinate in float64 matches the float32 goldens best (max error 4.5e-8).
  const scale = Math.fround(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    const real = scale * (o + 0.5) - 0.5;
    const base = Math.floor(real);
    const w = cubicWeights(real - base);
    for (let k = 0; k < 4; k++) {
      index[o * 4 + k] = Math.min(Math.max(base - 1 + k, 0), inSize - 1);
      weight[o * 4 + k] = w[k]!;
    }
  }
  return { index, weight };
}

/** A patch grid of `height` rows by `width` columns. */
export interface PositionGrid {
  readonly height: number;
  readonly width: number;
}

/** The sizes of the resize that `interpolatePositionEmbeddingsAdjoint` transposes. */
export interface PositionEmbeddingsAdjointOptions {
  /** Side of the square patch grid of the original table (`1 + fromGrid²` positions). */
  readonly fromGrid: number;
  /** The patch grid the table was resized to (`1 + height·width` positions). */
  readonly toGrid: PositionGrid;
  /** Embedding width (values per position). */
  readonly dim: number;
}

function checkGrid(height: number, width: number): void {
  if (!Number.isSafeInteger(height) || !Number.isSafeInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`Cannot resize position embeddings to ${height}×${width}.`);
  }
}

/**
 * Resizes a position-embedding table from a `grid`×`grid` patch grid to `height`×`width`.
 *
 * `table` is `[1 + grid², dim]` row-major (the class position first, then the patch positions row by row), as in
 * `clip.vision_model.embeddings.position_embedding.weight`. The patch part is resized with bicubic interpolation
 * (a = −0.75, taps clamped at the border, half-pixel centres, no antialiasing); the class position is kept.
 * When the grid is unchanged the table is returned as a copy. Sums run in float64; the result has the table's type.
 *
 * @returns `[1 + height·width, dim]` row-major.
 * @throws RangeError when the table does not fit `grid` or the target size is not positive
 */
export function interpolatePositionEmbeddings(table: Float32Array, grid: number, height: number, width: number): Float32Array;
export function interpolatePositionEmbeddings(table: Float64Array, grid: number, height: number, width: number): Float64Array;
export function interpolatePositionEmbeddings(table: Float32Array | Float64Array, grid: number, height: number, width: number): Float32Array | Float64Array {
  const positions = grid * grid + 1;
  if (!Number.isSafeInteger(grid) || grid < 1 || table.length % positions !== 0) {
    throw new RangeError(`A ${grid}×${grid} position grid needs a table of ${positions}·dim values, got ${table.length}.`);
  }
  checkGrid(height, width);
  const dim = table.length / positions;
  if (height === grid && width === grid) return table.slice();
  const size = (1 + height * width) * dim;
  const out = table instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
  out.set(table.subarray(0, dim), 0);
  const rows = axisTaps(grid, height);
  const cols = axisTaps(grid, width);
  // Horizontal pass first (PyTorch interpolates each of the 4 source rows along x, then those along y).
  const horizontal = new Float64Array(grid * width * dim);
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < width; x++) {
      const target = (y * width + x) * dim;
      for (let k = 0; k < 4; k++) {
        const source = 1 + y * grid + cols.index[x * 4 + k]!;
        const w = cols.weight[x * 4 + k]!;
        for (let c = 0; c < dim; c++) horizontal[target + c]! += w * table[source * dim + c]!;
      }
    }
  }
  const acc = new Float64Array(dim);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      acc.fill(0);
      for (let k = 0; k < 4; k++) {
        const source = (rows.index[y * 4 + k]! * width + x) * dim;
        const w = rows.weight[y * 4 + k]!;
        for (let c = 0; c < dim; c++) acc[c]! += w * horizontal[source + c]!;
      }
      out.set(acc, (1 + y * width + x) * dim);
    }
  }
  return out;
}

/**
 * The adjoint (transpose) of `interpolatePositionEmbeddings`: maps the gradient of a resized table to the
 * gradient of the original one, so that `⟨interpolate(x), y⟩ = ⟨x, adjoint(y)⟩` for every table `x` and every
 * `y`. The class position's gradient passes through; each resized patch position's gradient is spread back onto
 * its source positions with the forward's bicubic weights (border-clamped taps accumulate).
 *
 * @param gradInterpolated `[1 + toGrid.height·toGrid.width, dim]` row-major, e.g. the gradient of the vision
 *   graph's resized position table.
 * @returns `[1 + fromGrid², dim]` row-major float64, the gradient of
 *   `clip.vision_model.embeddings.position_embedding.weight`.
 * @throws RangeError when the sizes are not positive integers or `gradInterpolated` does not have
 *   `(1 + height·width)·dim` values
 */
export function interpolatePositionEmbeddingsAdjoint(gradInterpolated: Float32Array | Float64Array, options: PositionEmbeddingsAdjointOptions): Float64Array {
  const { fromGrid: grid, toGrid, dim } = options;
  const { height, width } = toGrid;
  if (!Number.isSafeInteger(grid) || grid < 1 || !Number.isSafeInteger(dim) || dim < 1) {
    throw new RangeError(`The adjoint needs a positive grid and dim, got grid ${grid} and dim ${dim}.`);
  }
  checkGrid(height, width);
  if (gradInterpolated.length !== (1 + height * width) * dim) {
    throw new RangeError(`A ${height}×${width} position grid of dim ${dim} has ${(1 + height * width) * dim} values, got ${gradInterpolated.length}.`);
  }
  if (height === grid && width === grid) return Float64Array.from(gradInterpolated);
  const out = new Float64Array((1 + grid * grid) * dim);
  out.set(gradInterpolated.subarray(0, dim), 0);
  const rows = axisTaps(grid, height);
  const cols = axisTaps(grid, width);
  // Transpose of the vertical pass: each output position feeds its 4 source rows of the horizontal buffer.
  const horizontal = new Float64Array(grid * width * dim);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const source = (1 + y * width + x) * dim;
      for (let k = 0; k < 4; k++) {
        const target = (rows.index[y * 4 + k]! * width + x) * dim;
        const w = rows.weight[y * 4 + k]!;
        for (let c = 0; c < dim; c++) horizontal[target + c]! += w * gradInterpolated[source + c]!;
      }
    }
  }
  // Transpose of the horizontal pass: each buffer position feeds its 4 source columns of the table.
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < width; x++) {
      const source = (y * width + x) * dim;
      for (let k = 0; k < 4; k++) {
        const target = (1 + y * grid + cols.index[x * 4 + k]!) * dim;
        const w = cols.weight[x * 4 + k]!;
        for (let c = 0; c < dim; c++) out[target + c]! += w * horizontal[source + c]!;
      }
    }
  }
  return out;
}
