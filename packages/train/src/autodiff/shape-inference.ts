/**
 * Build-time shape inference for the differentiator: the dims of each tensor where the declared inputs, the
 * initializers, the values of small int64 constants (shapes, axes) and the ops determine them. A dim is a number,
 * a symbolic name (ONNX `dim_param`: dims of one name are equal) or undefined when unknown. Used to decide
 * un-broadcasting while the graph is built instead of at run time.
 *
 * @module
 */
import type { GraphBuilder } from '@clipseg/convert/graph';
import type { ViewNode } from './graph-view.js';
import { attrInt, attrInts } from './graph-view.js';

/** One inferred dim: a size, a symbolic name, or undefined when unknown. */
export type InferredDim = number | string | undefined;

/** The values of the int64 initializers of `g` with at most `maxElements` elements (shapes, axes, slice bounds). */
export async function readInt64Constants(g: GraphBuilder, maxElements = 16): Promise<Map<string, readonly number[]>> {
  const out = new Map<string, readonly number[]>();
  for (const e of g.initializers()) {
    if (e.type !== 'int64' || e.dims.length > 1 || (e.dims[0] ?? 1) > maxElements) continue;
    const data = await e.load();
    if (data instanceof BigInt64Array) out.set(e.name, Array.from(data, Number));
  }
  return out;
}

/** Broadcast of dims that are equal or 1 (numpy rules); undefined where the result cannot be told. */
function broadcastDim(dims: readonly InferredDim[]): InferredDim {
  const rest = dims.filter((d) => d !== 1);
  if (rest.length === 0) return 1;
  const fixed = rest.find((d) => typeof d === 'number');
  if (fixed !== undefined) return fixed;
  return rest.every((d) => d !== undefined && d === rest[0]) ? rest[0] : undefined;
}

/** The broadcast shape of `shapes`, right-aligned; undefined when a rank is unknown. */
export function broadcastShapes(shapes: readonly (readonly InferredDim[] | undefined)[]): InferredDim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const known = shapes as readonly (readonly InferredDim[])[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => broadcastDim(known.map((s) => (i < rank - s.length ? 1 : s[i - (rank - s.length)]))));
}

const SAME_SHAPE = new Set(['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Abs', 'Sqrt', 'Erf', 'Softplus', 'Softmax', 'LayerNormalization', 'Identity', 'Cast', 'CastLike', 'Neg', 'Sign', 'Not']);
const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Where', 'And', 'Or']);

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
const product = (dims: readonly InferredDim[]): number | undefined => (dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a * b, 1) : undefined);

function reshape(x: readonly InferredDim[] | undefined, shape: readonly number[]): InferredDim[] {
  const out: InferredDim[] = shape.map((d, i) => (d === 0 ? x?.[i] : d === -1 ? undefined : d));
  const hole = shape.indexOf(-1);
  if (hole >= 0 && x !== undefined) {
    const total = product(x);
    const others = product(out.filter((_, i) => i !== hole));
    if (total !== undefined && others !== undefined && others > 0) out[hole] = total / others;
  }
  return out;
}

function slice(x: readonly InferredDim[], values: (i: number) => readonly number[] | undefined, nInputs: number): InferredDim[] | undefined {
  const starts = values(1);
  const ends = values(2);
  const axes = nInputs > 3 ? values(3) : starts?.map((_, i) => i);
  const steps = nInputs > 4 ? values(4) : starts?.map(() => 1);
  if (starts === undefined || ends === undefined || axes === undefined || steps === undefined) return undefined;
  const out = [...x];
  axes.forEach((a0, k) => {
    const a = norm(a0, x.length);
    const d = x[a];
    const step = steps[k]!;
    if (typeof d !== 'number' || step === 0) {
      // Whole-axis slices keep even a symbolic dim.
      out[a] = step === 1 && starts[k] === 0 && ends[k]! >= 2 ** 31 - 1 ? d : undefined;
      return;
    }
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const s = step > 0 ? clamp(starts[k]!, 0, d) : clamp(starts[k]!, -1, d - 1);
    const e = step > 0 ? clamp(ends[k]!, 0, d) : clamp(ends[k]!, -1, d - 1);
    out[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return out;
}

function conv(node: ViewNode, x: readonly InferredDim[], w: readonly InferredDim[] | undefined): InferredDim[] | undefined {
  if (w === undefined || x.length < 3) return undefined;
  const spatial = x.length - 2;
  const kernel = attrInts(node, 'kernel_shape') ?? w.slice(2);
  const strides = attrInts(node, 'strides') ?? Array<number>(spatial).fill(1);
  const dilations = attrInts(node, 'dilations') ?? Array<number>(spatial).fill(1);
  const pads = attrInts(node, 'pads') ?? Array<number>(2 * spatial).fill(0);
  const outputPadding = attrInts(node, 'output_padding') ?? Array<number>(spatial).fill(0);
  const autoPad = node.attributes.get('auto_pad')?.s;
  if ((autoPad && autoPad.length > 0 && new TextDecoder().decode(autoPad) !== 'NOTSET') || node.attributes.has('output_shape')) return undefined;
  const transposed = node.opType === 'ConvTranspose';
  const group = attrInt(node, 'group', 1);
  const channels = transposed ? (typeof w[1] === 'number' ? w[1] * group : undefined) : w[0];
  const dims = Array.from({ length: spatial }, (_, i) => {
    const n = x[2 + i];
    const k = kernel[i];
    if (typeof n !== 'number' || typeof k !== 'number') return undefined;
    const span = dilations[i]! * (k - 1) + 1;
    const padded = pads[i]! + pads[i + spatial]!;
    return transposed ? strides[i]! * (n - 1) + outputPadding[i]! + span - padded : Math.floor((n + padded - span) / strides[i]!) + 1;
  });
  return [x[0], channels, ...dims];
}

/**
 * The dims of `node`'s first output, from its inputs' dims (`dims`) and constant int64 input values (`values`);
 * undefined when the rank is unknown.
 */
export function inferDims(node: ViewNode, dims: (name: string) => readonly InferredDim[] | undefined, constants: ReadonlyMap<string, readonly number[]>): InferredDim[] | undefined {
  const inDims = (i: number): readonly InferredDim[] | undefined => dims(node.inputs[i] ?? '');
  const values = (i: number): readonly number[] | undefined => constants.get(node.inputs[i] ?? '');
  const x = inDims(0);
  const op = node.opType;
  if (node.domain !== '') return undefined;
  if (SAME_SHAPE.has(op)) return x === undefined ? undefined : [...x];
  if (BROADCASTING.has(op)) return broadcastShapes(node.inputs.map((n) => dims(n)));
  if (x === undefined) return undefined;
  const r = x.length;
  switch (op) {
    case 'MatMul': {
      const b = inDims(1);
      if (b === undefined || r < 2 || b.length < 2) return undefined;
      const batch = broadcastShapes([x.slice(0, -2), b.slice(0, -2)]);
      return batch === undefined ? undefined : [...batch, x[r - 2], b[b.length - 1]];
    }
    case 'Gemm': {
      const b = inDims(1);
      if (b === undefined) return undefined;
      return [attrInt(node, 'transA', 0) === 1 ? x[1] : x[0], attrInt(node, 'transB', 0) === 1 ? b[0] : b[1]];
    }
    case 'Transpose': {
      const perm = attrInts(node, 'perm') ?? x.map((_, i) => r - 1 - i);
      return perm.map((p) => x[p]);
    }
    case 'Reshape': {
      const shape = values(1);
      return shape === undefined || attrInt(node, 'allowzero', 0) !== 0 ? undefined : reshape(x, shape);
    }
    case 'Unsqueeze': {
      const axes = values(1);
      if (axes === undefined) return undefined;
      const out = [...x];
      const rank = r + axes.length;
      for (const a of axes.map((a) => norm(a, rank)).sort((p, q) => p - q)) out.splice(a, 0, 1);
      return out;
    }
    case 'Squeeze': {
      const axes = values(1);
      if (axes === undefined) return node.inputs.length > 1 || x.some((d) => typeof d !== 'number') ? undefined : x.filter((d) => d !== 1);
      const drop = new Set(axes.map((a) => norm(a, r)));
      return x.filter((_, i) => !drop.has(i));
    }
    case 'Slice':
      return slice(x, values, node.inputs.length);
    case 'Concat': {
      const axis = norm(attrInt(node, 'axis', 0), r);
      const parts = node.inputs.map((n) => dims(n)?.[axis]);
      const out = [...x];
      out[axis] = parts.every((d) => typeof d === 'number') ? (parts as number[]).reduce((a, b) => a + b, 0) : undefined;
      return out;
    }
    case 'ReduceSum': case 'ReduceMean': case 'ReduceMax': {
      const axes = op === 'ReduceSum' ? (node.inputs[1] === undefined || node.inputs[1] === '' ? [] : values(1)) : attrInts(node, 'axes') ?? [];
      if (axes === undefined) return undefined;
      const all = axes.length === 0;
      if (all && op === 'ReduceSum' && attrInt(node, 'noop_with_empty_axes', 0) === 1) return [...x];
      const reduced = new Set(all ? x.map((_, i) => i) : axes.map((a) => norm(a, r)));
      const keep = attrInt(node, 'keepdims', 1) === 1;
      return keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i));
    }
    case 'Expand': {
      const shape = values(1);
      return shape === undefined ? undefined : broadcastShapes([x, shape]);
    }
    case 'Conv': case 'ConvTranspose':
      return conv(node, x, inDims(1));
    case 'Pad': {
      const pads = values(1);
      if (pads === undefined || pads.length !== 2 * r || node.inputs.length > 3) return undefined;
      return x.map((d, i) => (typeof d === 'number' ? d + pads[i]! + pads[i + r]! : undefined));
    }
    default:
      return undefined;
  }
}
