/**
 * Resizing the vision position-embedding table to another patch grid, exactly as HF
 * `CLIPSegVisionEmbeddings.interpolate_pos_encoding` does it with PyTorch
 * `interpolate(mode='bicubic', align_corners=False)`. Used by the converter (tables baked into the fixed-size
 * graphs) and at run time by `CLIPSegVisionModel` (the `vision_model` graph takes them as an input).
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

/**
 * Resizes a position-embedding table from a `grid`×`grid` patch grid to `height`×`width`.
 *
 * `table` is `[1 + grid², dim]` row-major (the class position first, then the patch positions row by row), as in
 * `clip.vision_model.embeddings.position_embedding.weight`. The patch part is resized with bicubic interpolation
 * (a = −0.75, taps clamped at the border, half-pixel centres, no antialiasing); the class position is kept.
 * When the grid is unchanged the table is returned as a copy.
 *
 * @returns `[1 + height·width, dim]` row-major.
 * @throws RangeError when the table does not fit `grid` or the target size is not positive
 */
export function interpolatePositionEmbeddings(table: Float32Array, grid: number, height: number, width: number): Float32Array {
  const positions = grid * grid + 1;
  if (!Number.isSafeInteger(grid) || grid < 1 || table.length % positions !== 0) {
    throw new RangeError(`A ${grid}×${grid} position grid needs a table of ${positions}·dim values, got ${table.length}.`);
  }
  if (!Number.isSafeInteger(height) || !Number.isSafeInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`Cannot resize position embeddings to ${height}×${width}.`);
  }
  const dim = table.length / positions;
  if (height === grid && width === grid) return table.slice();
  const out = new Float32Array((1 + height * width) * dim);
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
