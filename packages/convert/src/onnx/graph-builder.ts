/**
 * A small, typed builder for one ONNX graph: inputs and outputs with symbolic dims, nodes with typed attributes,
 * and initializers whose data is produced lazily, so that {@link writeModel} can stream weights straight into the
 * serialised model without holding a second copy of them.
 *
 * @module
 */
import type { Attributes } from './attributes.js';
import { toAttributeProto } from './attributes.js';
import type { OnnxDataType, OnnxTypedArray } from './data-type.js';
import { elementCount, ONNX_DATA_TYPE_CODES } from './data-type.js';
import type { GraphProtoInit, NodeProtoInit, ValueInfoProtoInit } from './onnx-proto.js';

/** One dimension of a graph input or output: a fixed size or a symbolic name such as `'batch'`. */
export type Dim = number | string;

/** Tensor data, or a function producing it when the model is written. */
export type DataProvider = OnnxTypedArray | (() => OnnxTypedArray | Promise<OnnxTypedArray>);

/** An initializer as the writer sees it: its stored name, type and shape, and how to get its data. */
export interface InitializerEntry {
  /** Name in the graph (for float16-stored weights, the name of the float16 tensor). */
  readonly name: string;
  /** Stored element type. */
  readonly type: OnnxDataType;
  /** Shape. */
  readonly dims: readonly number[];
  /**
   * Produces the data: a typed array of `type`, or a Float32Array when `type` is float16 (the writer converts).
   * Called once, while writing.
   */
  readonly load: () => OnnxTypedArray | Promise<OnnxTypedArray>;
}

/** Options of {@link GraphBuilder.initializer}. */
export interface InitializerOptions {
  /**
   * Store float32 data as float16 and insert a `Cast` back to float32, so that the graph computes in float32
   * while the file holds half as many bytes.
   */
  readonly storeAs?: 'float16';
}

const TYPE_CTORS: Readonly<Record<OnnxDataType, abstract new (...args: never[]) => OnnxTypedArray>> = {
  float32: Float32Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

function valueInfo(name: string, type: OnnxDataType, dims: readonly Dim[]): ValueInfoProtoInit {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE_CODES[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Builds one ONNX graph. Nodes must be added in topological order (each input defined before use). */
export class GraphBuilder {
  /** Graph name. */
  readonly name: string;
  private readonly nodes: NodeProtoInit[] = [];
  private readonly prologue: NodeProtoInit[] = [];
  private readonly inputs: ValueInfoProtoInit[] = [];
  private readonly outputs: ValueInfoProtoInit[] = [];
  private readonly entries: InitializerEntry[] = [];
  private readonly defined = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly domains = new Set<string>();
  private scopePrefix = '';
  private nodeCount = 0;

  /** @param name - graph name */
  constructor(name: string) {
    this.name = name;
  }

  /** A name not used yet, derived from `hint` (prefixed with the current scope). */
  freshName(hint: string): string {
    const base = this.scopePrefix + hint;
    let n = this.counters.get(base) ?? 0;
    let candidate = n === 0 ? base : `${base}_${n}`;
    while (this.defined.has(candidate)) {
      n += 1;
      candidate = `${base}_${n}`;
    }
    this.counters.set(base, n + 1);
    return candidate;
  }

  /** Runs `build` with node names prefixed by `prefix/` (scopes nest); returns its result. */
  scope<T>(prefix: string, build: () => T): T {
    const saved = this.scopePrefix;
    this.scopePrefix = `${saved}${prefix}/`;
    try {
      return build();
    } finally {
      this.scopePrefix = saved;
    }
  }

  private define(name: string): string {
    if (this.defined.has(name)) throw new Error(`ONNX graph '${this.name}': the name '${name}' is defined twice.`);
    this.defined.add(name);
    return name;
  }

  /** True when `name` is a graph input, an initializer or a node output already. */
  has(name: string): boolean {
    return this.defined.has(name);
  }

  /** Declares a graph input; returns its name. */
  input(name: string, type: OnnxDataType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.define(name), type, dims));
    return name;
  }

  /** Declares a graph output; `name` must already be produced by a node or be an input. */
  output(name: string, type: OnnxDataType, dims: readonly Dim[]): void {
    if (!this.defined.has(name)) throw new Error(`ONNX graph '${this.name}': output '${name}' is never produced.`);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /**
   * Adds a node with `count` outputs; returns their names. `outputs` names them explicitly (else they are
   * derived from the op type). An empty string in `inputs` marks an omitted optional input.
   */
  opN(opType: string, inputs: readonly string[], count: number, attributes: Attributes = {}, outputs?: readonly string[], domain = ''): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.defined.has(input)) {
        throw new Error(`ONNX graph '${this.name}': ${opType} uses '${input}' before it is defined.`);
      }
    }
    const names = outputs ? outputs.map((n) => this.define(n)) : Array.from({ length: count }, () => this.define(this.freshName(opType)));
    if (domain !== '') this.domains.add(domain);
    this.nodes.push({
      opType,
      ...(domain === '' ? {} : { domain }),
      name: this.freshNodeName(opType),
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([key, value]) => toAttributeProto(key, value)),
    });
    return names;
  }

  private freshNodeName(opType: string): string {
    this.nodeCount += 1;
    return `${this.scopePrefix}${opType}#${this.nodeCount}`;
  }

  /** Adds a node with one output; returns its name (`output` names it explicitly). */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, output?: string): string {
    return this.opN(opType, inputs, 1, attributes, output === undefined ? undefined : [output])[0]!;
  }

  /**
   * Adds a node of an operator outside the default ONNX domain (e.g. onnxruntime's `com.microsoft` contrib ops);
   * returns its output name. The model then imports that domain (see {@link GraphBuilder.customDomains}).
   */
  opDomain(domain: string, opType: string, inputs: readonly string[], attributes: Attributes = {}, output?: string): string {
    if (domain === '') throw new Error(`ONNX graph '${this.name}': opDomain needs a non-default domain (use op for '${opType}').`);
    return this.opN(opType, inputs, 1, attributes, output === undefined ? undefined : [output], domain)[0]!;
  }

  /** The non-default operator domains the graph's nodes use, sorted. */
  customDomains(): string[] {
    return [...this.domains].sort();
  }

  /**
   * Adds an initializer; returns the float32 (or stored-type) name to use in nodes. With `storeAs: 'float16'`,
   * `type` must be float32: the file stores `<name>::fp16` and a prologue `Cast` produces `name`.
   */
  initializer(name: string, type: OnnxDataType, dims: readonly number[], data: DataProvider, options: InitializerOptions = {}): string {
    const expected = elementCount(dims);
    const check = (array: OnnxTypedArray, wantType: OnnxDataType): OnnxTypedArray => {
      if (!(array instanceof TYPE_CTORS[wantType])) {
        throw new TypeError(`ONNX graph '${this.name}': initializer '${name}' needs ${wantType} data, got ${array.constructor.name}.`);
      }
      if (array.length !== expected) {
        throw new RangeError(`ONNX graph '${this.name}': initializer '${name}' [${dims.join(', ')}] needs ${expected} values, got ${array.length}.`);
      }
      return array;
    };
    const provide = typeof data === 'function' ? data : (): OnnxTypedArray => data;
    if (typeof data !== 'function') check(data, type);
    if (options.storeAs === 'float16') {
      if (type !== 'float32') throw new TypeError(`ONNX graph '${this.name}': only float32 initializers can be stored as float16 ('${name}').`);
      const stored = this.define(`${name}::fp16`);
      this.entries.push({ name: stored, type: 'float16', dims: [...dims], load: async () => check(await provide(), 'float32') });
      this.prologue.push({ opType: 'Cast', name: `${name}::cast`, input: [stored], output: [this.define(name)], attribute: [toAttributeProto('to', ONNX_DATA_TYPE_CODES.float32)] });
      return name;
    }
    this.entries.push({ name: this.define(name), type, dims: [...dims], load: async () => check(await provide(), type) });
    return name;
  }

  /** An int64 constant (shared between uses with the same values and shape). */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer(this.freshName('const_i64'), 'int64', dims, BigInt64Array.from(values, (v) => BigInt(v)));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A float32 constant (shared between uses with the same values and shape). */
  constFloat32(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `f32:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer(this.freshName('const_f32'), 'float32', dims, Float32Array.from(values));
      this.constants.set(key, name);
    }
    return name;
  }

  /** The graph without initializers (nodes, inputs, outputs), as onnx-proto accepts it. */
  graphProto(): GraphProtoInit {
    return { name: this.name, node: [...this.prologue, ...this.nodes], input: this.inputs, output: this.outputs };
  }

  /** The initializers, in the order they were added. */
  initializers(): readonly InitializerEntry[] {
    return this.entries;
  }
}
