/**
 * A read-only view of a {@link GraphBuilder}'s graph for the differentiator: the nodes in topological order with
 * their inputs, outputs and decoded attributes, what produces each tensor, and the rank of each tensor where it
 * can be inferred from the declared inputs, the initializers and the ops.
 *
 * @module
 */
import type { AttributeProtoInit, GraphBuilder, OnnxDataType } from '@clipseg/convert/graph';
import { ONNX_DATA_TYPE_CODES } from '@clipseg/convert/graph';
import { inferDims } from './shape-inference.js';
import type { InferredDim } from './shape-inference.js';

/** One node of the graph. */
export interface ViewNode {
  /** Position in topological order. */
  readonly index: number;
  /** Operator type (default domain; `domain` set otherwise). */
  readonly opType: string;
  /** Operator domain ('' for the default ONNX domain). */
  readonly domain: string;
  /** Input names ('' for an omitted optional input). */
  readonly inputs: readonly string[];
  /** Output names. */
  readonly outputs: readonly string[];
  /** Attributes by name, as protobuf messages. */
  readonly attributes: ReadonlyMap<string, AttributeProtoInit>;
}

/** A graph input or initializer: its element type and shape as declared. */
export interface DeclaredTensor {
  /** Element type, when it is one the builder knows. */
  readonly type: OnnxDataType | undefined;
  /** Dims (numbers or symbolic names). */
  readonly dims: readonly (number | string)[];
}

const TYPE_BY_CODE = new Map<number, OnnxDataType>(Object.entries(ONNX_DATA_TYPE_CODES).map(([t, c]) => [c, t as OnnxDataType]));

/** INT attribute `name` of `node`, or `fallback`. */
export function attrInt(node: ViewNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.i === undefined || a.i === null ? fallback : Number(a.i);
}

/** INTS attribute `name` of `node`, or undefined when absent. */
export function attrInts(node: ViewNode, name: string): number[] | undefined {
  const a = node.attributes.get(name);
  return a?.ints === undefined || a.ints === null ? undefined : a.ints.map(Number);
}

/** FLOAT attribute `name` of `node`, or `fallback`. */
export function attrFloat(node: ViewNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.f === undefined || a.f === null ? fallback : a.f;
}

/** The graph of a builder, as the differentiator reads it. */
export class GraphView {
  /** Nodes in topological order. */
  readonly nodes: readonly ViewNode[];
  /** Graph inputs and initializers by name. */
  readonly declared: ReadonlyMap<string, DeclaredTensor>;
  /** Node producing each node output. */
  readonly producer: ReadonlyMap<string, ViewNode>;
  private readonly ranks = new Map<string, number>();
  /** Length of 1-D int64 tensors where known (shape tensors, axes), for rank inference. */
  private readonly lengths = new Map<string, number>();
  /** The last dim of tensors where it is known though the shape is not (ArgMax with keepdims over the last axis). */
  private readonly lastDims = new Map<string, number>();
  private readonly int64Values: ReadonlyMap<string, readonly number[]>;
  /** Inferred dims of tensors (see {@link GraphView.dims}). */
  private readonly shapes = new Map<string, readonly InferredDim[]>();

  /**
   * @param g - the builder whose current graph is viewed (later additions are not seen)
   * @param int64Values - values of small int64 initializers (shapes, axes; see `readInt64Constants`), which let
   * the dims of Reshape, Slice, Unsqueeze … outputs be inferred; without them those dims are unknown
   */
  constructor(g: GraphBuilder, int64Values: ReadonlyMap<string, readonly number[]> = new Map()) {
    this.int64Values = int64Values;
    const proto = g.graphProto();
    const declared = new Map<string, DeclaredTensor>();
    for (const v of proto.input ?? []) {
      const t = v.type?.tensorType;
      const dims = (t?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
      declared.set(v.name!, { type: TYPE_BY_CODE.get(t?.elemType ?? 0), dims });
    }
    for (const e of g.initializers()) {
      declared.set(e.name, { type: e.type, dims: e.dims });
      if (e.dims.length === 1) this.lengths.set(e.name, e.dims[0]!);
    }
    this.declared = declared;
    for (const [name, d] of declared) {
      this.ranks.set(name, d.dims.length);
      this.shapes.set(name, d.dims);
    }
    const dimsOf = (name: string): readonly InferredDim[] | undefined => this.shapes.get(name);
    const producer = new Map<string, ViewNode>();
    this.nodes = (proto.node ?? []).map((n, index) => {
      const node: ViewNode = {
        index,
        opType: n.opType ?? '',
        domain: n.domain ?? '',
        inputs: n.input ?? [],
        outputs: n.output ?? [],
        attributes: new Map((n.attribute ?? []).map((a) => [a.name ?? '', a])),
      };
      for (const o of node.outputs) producer.set(o, node);
      this.inferRank(node);
      const out = node.outputs[0];
      const dims = out === undefined ? undefined : inferDims(node, dimsOf, int64Values);
      if (dims !== undefined) {
        this.shapes.set(out!, dims);
        if (this.ranks.get(out!) === undefined) this.ranks.set(out!, dims.length);
      }
      return node;
    });
    this.producer = producer;
  }

  /** True when `name` is a graph input, an initializer or a node output. */
  has(name: string): boolean {
    return this.declared.has(name) || this.producer.has(name);
  }

  /**
   * The inferred dims of `name` (each a size, a symbolic name or undefined when unknown), or undefined when its
   * rank is unknown.
   */
  dims(name: string): readonly InferredDim[] | undefined {
    return this.shapes.get(name);
  }

  /** The values of int64 initializer `name` when they were given to the view, else undefined. */
  int64(name: string): readonly number[] | undefined {
    return this.int64Values.get(name);
  }

  /** The inferred rank of `name`, or undefined when unknown. */
  rank(name: string): number | undefined {
    return this.ranks.get(name);
  }

  private inferRank(node: ViewNode): void {
    const r = (i: number): number | undefined => this.ranks.get(node.inputs[i] ?? '');
    const len = (i: number): number | undefined => this.lengths.get(node.inputs[i] ?? '');
    const out = node.outputs[0];
    if (out === undefined) return;
    const set = (rank: number | undefined): void => {
      if (rank !== undefined) this.ranks.set(out, rank);
    };
    const maxRank = (): number | undefined => {
      const ranks = node.inputs.filter((n) => n !== '').map((n) => this.ranks.get(n));
      return ranks.some((x) => x === undefined) ? undefined : Math.max(...(ranks as number[]));
    };
    switch (node.opType) {
      case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': case 'Where': case 'Max': case 'Min':
      case 'Equal': case 'Greater': case 'Less':
        set(maxRank());
        return;
      case 'MatMul': {
        const a = r(0);
        const b = r(1);
        if (a !== undefined && b !== undefined && a >= 2 && b >= 2) set(Math.max(a, b));
        return;
      }
      case 'Reshape': case 'Expand': {
        const n = len(1);
        set(node.opType === 'Expand' ? (n === undefined || r(0) === undefined ? undefined : Math.max(n, r(0)!)) : n);
        return;
      }
      case 'Shape': {
        const x = r(0);
        this.ranks.set(out, 1);
        if (x !== undefined) {
          const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + x : v, 0), x);
          this.lengths.set(out, Math.max(clamp(attrInt(node, 'end', x)) - clamp(attrInt(node, 'start', 0)), 0));
        }
        return;
      }
      case 'Unsqueeze': {
        const n = len(1);
        set(n === undefined || r(0) === undefined ? undefined : r(0)! + n);
        return;
      }
      case 'Squeeze': {
        const n = len(1);
        set(n === undefined || r(0) === undefined ? undefined : r(0)! - n);
        return;
      }
      case 'Gather': {
        const d = r(0);
        const i = r(1);
        set(d === undefined || i === undefined ? undefined : d - 1 + i);
        return;
      }
      case 'ArgMax': case 'ArgMin': {
        const x = r(0);
        if (x === undefined) return;
        const keep = attrInt(node, 'keepdims', 1) === 1;
        const axis = attrInt(node, 'axis', 0);
        set(keep ? x : x - 1);
        // keepdims over the last axis: the last dim is 1 (GatherND's indices are often made like this).
        if (keep && (axis === -1 || axis === x - 1)) this.lastDims.set(out, 1);
        return;
      }
      case 'GatherND': {
        // rank = r + q − indices.shape[−1] − 1 − batch_dims, when the indices' last dim is known.
        const declaredLast = this.declared.get(node.inputs[1] ?? '')?.dims.at(-1);
        const last = typeof declaredLast === 'number' ? declaredLast : this.lastDims.get(node.inputs[1] ?? '');
        const d = r(0);
        const q = r(1);
        if (typeof last === 'number' && d !== undefined && q !== undefined) set(d + q - last - 1 - attrInt(node, 'batch_dims', 0));
        return;
      }
      case 'ReduceSum': case 'ReduceMean': case 'ReduceMax': {
        const keep = attrInt(node, 'keepdims', 1) === 1;
        const axes = node.opType === 'ReduceSum' ? len(1) : attrInts(node, 'axes')?.length;
        const x = r(0);
        if (keep) set(x);
        else if (node.opType === 'ReduceSum' && node.inputs[1] === undefined) set(0);
        else if (node.opType !== 'ReduceSum' && axes === undefined) set(0);
        else if (axes !== undefined && x !== undefined) set(x - axes);
        return;
      }
      case 'Concat': case 'Split': {
        const lengths = node.inputs.map((n) => this.lengths.get(n));
        if (node.opType === 'Concat' && r(0) === 1 && lengths.every((n) => n !== undefined)) this.lengths.set(out, (lengths as number[]).reduce((a, b) => a + b, 0));
        set(r(0));
        for (const o of node.outputs) if (r(0) !== undefined) this.ranks.set(o, r(0)!);
        return;
      }
      default:
        // Unary, shape-preserving ops (elementwise, Softmax, LayerNormalization, Transpose, Slice, Conv …).
        set(r(0));
    }
  }
}
