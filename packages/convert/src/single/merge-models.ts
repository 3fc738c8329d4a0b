/**
 * Composes several ONNX models into one graph at the ModelProto level: each part's names are prefixed, its graph
 * inputs are wired to merged inputs or to earlier parts' outputs, and the weights are copied once, straight into the
 * output (the parts' `raw_data` are views, never decoded into numbers).
 *
 * @module
 */
import type { OnnxDataType } from '../onnx/data-type.js';
import { ONNX_DATA_TYPE_CODES } from '../onnx/data-type.js';
import type { Dim } from '../onnx/graph-builder.js';
import type { NodeProtoInit, TensorProtoInit, ValueInfoProtoInit } from '../onnx/onnx-proto.js';
import { onnx } from '../onnx/onnx-proto.js';
import { lengthDelimitedHeaderLength, writeLengthDelimitedHeader } from '../onnx/protobuf-wire.js';
import { ModelMergeError } from './model-merge-error.js';

/** One model to merge, and how its graph inputs and outputs are named in the merged graph. */
export interface MergePart {
  /** Serialised ModelProto (weights inline as `raw_data`). */
  readonly model: Uint8Array;
  /** Prefix of every internal name of the part (nodes, initializers, intermediate values), e.g. `'text_encoder/'`. */
  readonly prefix: string;
  /**
   * Part graph input → the merged value feeding it: a merged input or an output of an earlier part. An input not
   * listed is fed by the merged value of the same name.
   */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Part graph output → its merged name. An output not listed is named `prefix + name`. */
  readonly outputs?: Readonly<Record<string, string>>;
}

/** A graph input of the merged model. */
export interface MergedInput {
  /** Its name; part inputs bound to it (by {@link MergePart.inputs}, or by having the same name) read it. */
  readonly name: string;
  /** Element type; default the type of the first part input bound to it. */
  readonly type?: OnnxDataType;
  /** Shape; default the shape of the first part input bound to it. An input nothing reads needs `type` and `dims`. */
  readonly dims?: readonly Dim[];
}

/** Options of {@link mergeModels}. */
export interface MergeModelsOptions {
  /** The merged graph's inputs, in order. */
  readonly inputs: readonly MergedInput[];
  /** The merged graph's outputs, in order: merged names of part outputs. */
  readonly outputs: readonly string[];
  /** Graph name (default `'merged'`). */
  readonly graphName?: string;
  /** `producer_name` (default `@clipseg/convert`). */
  readonly producerName?: string;
  /** `producer_version`. */
  readonly producerVersion?: string;
  /** `doc_string` of the model. */
  readonly docString?: string;
  /** `metadata_props` key/value pairs. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** protobuf (and so onnxruntime) refuses messages of 2 GiB or more. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;
const EXTERNAL_DATA_LOCATION = 1;

type Int64 = number | { toString(): string } | null | undefined;
const toNumber = (value: Int64): number => (value === null || value === undefined ? 0 : typeof value === 'number' ? value : Number(value.toString()));

type DecodedModel = ReturnType<typeof onnx.ModelProto.decode>;

interface PendingTensor {
  readonly header: Uint8Array;
  readonly raw: Uint8Array | undefined;
  readonly length: number;
}

function decodePart(part: MergePart, index: number): DecodedModel {
  let model: DecodedModel;
  try {
    model = onnx.ModelProto.decode(part.model);
  } catch (cause) {
    throw new ModelMergeError('MERGE_INVALID_MODEL', `Part ${index} (${part.prefix}) is not an ONNX model: ${(cause as Error).message}.`, { cause });
  }
  const graph = model.graph;
  if (!graph) throw new ModelMergeError('MERGE_INVALID_MODEL', `Part ${index} (${part.prefix}) has no graph.`);
  const unsupported = (what: string) =>
    new ModelMergeError('MERGE_UNSUPPORTED', `Part ${index} (${part.prefix}) has ${what}, which mergeModels does not rename; inline it before merging.`);
  if ((model.functions?.length ?? 0) > 0) throw unsupported('model-local functions');
  if ((graph.sparseInitializer?.length ?? 0) > 0) throw unsupported('sparse initializers');
  for (const node of graph.node ?? []) {
    if ((node.attribute ?? []).some((a) => a.g || (a.graphs?.length ?? 0) > 0)) throw unsupported(`a sub-graph attribute (node ${node.name ?? node.opType})`);
  }
  for (const t of graph.initializer ?? []) {
    if (t.dataLocation === EXTERNAL_DATA_LOCATION || (t.externalData?.length ?? 0) > 0) throw unsupported(`external data (${t.name})`);
  }
  return model;
}

function valueInfo(name: string, type: OnnxDataType, dims: readonly Dim[]): ValueInfoProtoInit {
  return {
    name,
    type: { tensorType: { elemType: ONNX_DATA_TYPE_CODES[type], shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function withShape(info: ValueInfoProtoInit, name: string, override: MergedInput): ValueInfoProtoInit {
  const base = info.type?.tensorType;
  const elemType = override.type === undefined ? base?.elemType : ONNX_DATA_TYPE_CODES[override.type];
  const dim = override.dims === undefined ? base?.shape?.dim : override.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: elemType ?? null, ...(dim ? { shape: { dim } } : {}) } } };
}

/**
 * Merges ONNX models into one: the parts run in the order given, each part's graph inputs read merged inputs or
 * outputs of earlier parts, and everything else of a part is renamed under its prefix. Opsets must agree per
 * domain; the IR version is the highest of the parts. The result holds each weight once, copied from the parts'
 * bytes (no float is decoded), so peak memory is the parts plus the output.
 *
 * @returns the merged ModelProto bytes.
 * @throws {@link ModelMergeError} `MERGE_INVALID_MODEL`, `MERGE_OPSET_MISMATCH`, `MERGE_UNSUPPORTED`,
 * `MERGE_UNKNOWN_VALUE`, `MERGE_NAME_CLASH`, `MERGE_TOO_LARGE`
 */
export function mergeModels(parts: readonly MergePart[], options: MergeModelsOptions): Uint8Array {
  const models = parts.map(decodePart);
  const opsets = new Map<string, number>();
  let irVersion = 0;
  for (const [index, model] of models.entries()) {
    irVersion = Math.max(irVersion, toNumber(model.irVersion));
    for (const o of model.opsetImport ?? []) {
      const domain = o.domain ?? '';
      const version = toNumber(o.version);
      const seen = opsets.get(domain);
      if (seen !== undefined && seen !== version) {
        throw new ModelMergeError('MERGE_OPSET_MISMATCH', `Part ${index} (${parts[index]!.prefix}) imports opset ${version} of '${domain || 'ai.onnx'}', an earlier part ${seen}.`, {
          details: { domain, versions: [seen, version] },
        });
      }
      opsets.set(domain, version);
    }
  }

  const mergedInputs = new Map(options.inputs.map((input) => [input.name, input]));
  const inputInfo = new Map<string, ValueInfoProtoInit>();
  const defined = new Set<string>(mergedInputs.keys());
  const outputInfo = new Map<string, ValueInfoProtoInit>();
  const nodes: NodeProtoInit[] = [];
  const valueInfos: ValueInfoProtoInit[] = [];
  const tensors: PendingTensor[] = [];
  const define = (name: string, where: string): string => {
    if (defined.has(name)) throw new ModelMergeError('MERGE_NAME_CLASH', `'${name}' is defined twice in the merged graph (again by ${where}).`, { details: { name } });
    defined.add(name);
    return name;
  };

  for (const [index, model] of models.entries()) {
    const part = parts[index]!;
    const graph = model.graph!;
    const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    const renamed = new Map<string, string>();
    for (const input of graph.input ?? []) {
      const name = input.name ?? '';
      if (initializerNames.has(name)) continue; // an overridable initializer, not a real input
      const source = part.inputs?.[name] ?? name;
      if (!defined.has(source)) {
        throw new ModelMergeError('MERGE_UNKNOWN_VALUE', `Input '${name}' of part ${index} (${part.prefix}) reads '${source}', which no merged input or earlier part defines.`, {
          details: { part: index, input: name, source },
        });
      }
      if (mergedInputs.has(source) && !inputInfo.has(source)) inputInfo.set(source, input);
      renamed.set(name, source);
    }
    for (const output of graph.output ?? []) {
      const name = output.name ?? '';
      if (renamed.has(name)) throw new ModelMergeError('MERGE_UNSUPPORTED', `Output '${name}' of part ${index} (${part.prefix}) is also its input; add an Identity node.`);
      const target = part.outputs?.[name] ?? part.prefix + name;
      renamed.set(name, target);
      outputInfo.set(target, { ...output, name: target });
    }
    const rename = (name: string | null | undefined): string => (name ? (renamed.get(name) ?? part.prefix + name) : '');

    for (const tensor of graph.initializer ?? []) {
      const name = define(rename(tensor.name), `an initializer of ${part.prefix}`);
      const fields: TensorProtoInit = { ...tensor, name };
      delete fields.rawData;
      const header = onnx.TensorProto.encode(fields).finish();
      const raw = tensor.rawData && tensor.rawData.byteLength > 0 ? tensor.rawData : undefined;
      const length = header.byteLength + (raw ? lengthDelimitedHeaderLength(TENSOR_RAW_DATA_FIELD, raw.byteLength) + raw.byteLength : 0);
      tensors.push({ header, raw, length });
    }
    for (const node of graph.node ?? []) {
      const outputs = (node.output ?? []).map((o) => (o === '' ? '' : define(rename(o), `node ${node.name ?? node.opType} of ${part.prefix}`)));
      nodes.push({ ...node, name: node.name ? part.prefix + node.name : '', input: (node.input ?? []).map(rename), output: outputs });
    }
    for (const info of graph.valueInfo ?? []) valueInfos.push({ ...info, name: rename(info.name) });
  }

  const inputs = options.inputs.map((input) => {
    const bound = inputInfo.get(input.name);
    if (bound) return withShape(bound, input.name, input);
    if (input.type === undefined || input.dims === undefined) {
      throw new ModelMergeError('MERGE_UNKNOWN_VALUE', `Merged input '${input.name}' feeds no part; give its type and dims.`, { details: { input: input.name } });
    }
    return valueInfo(input.name, input.type, input.dims);
  });
  const outputs = options.outputs.map((name) => {
    const info = outputInfo.get(name);
    if (!info) throw new ModelMergeError('MERGE_UNKNOWN_VALUE', `Merged output '${name}' is not an output of any part.`, { details: { output: name } });
    return info;
  });

  return writeMerged(
    onnx.ModelProto.encode({
      irVersion,
      opsetImport: [...opsets].map(([domain, version]) => ({ domain, version })),
      producerName: options.producerName ?? '@clipseg/convert',
      producerVersion: options.producerVersion ?? '',
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    }).finish(),
    onnx.GraphProto.encode({ name: options.graphName ?? 'merged', node: nodes, input: inputs, output: outputs, valueInfo: valueInfos }).finish(),
    tensors,
  );
}

function writeMerged(modelHead: Uint8Array, graphHead: Uint8Array, tensors: readonly PendingTensor[]): Uint8Array {
  let graphLength = graphHead.byteLength;
  for (const t of tensors) graphLength += lengthDelimitedHeaderLength(GRAPH_INITIALIZER_FIELD, t.length) + t.length;
  const total = modelHead.byteLength + lengthDelimitedHeaderLength(MODEL_GRAPH_FIELD, graphLength) + graphLength;
  if (total > MAX_MODEL_BYTES) {
    throw new ModelMergeError('MERGE_TOO_LARGE', `The merged model would be ${total} bytes; protobuf models must stay under 2 GiB (store weights as float16).`, { details: { bytes: total } });
  }
  const out = new Uint8Array(total);
  out.set(modelHead, 0);
  let at = writeLengthDelimitedHeader(out, modelHead.byteLength, MODEL_GRAPH_FIELD, graphLength);
  out.set(graphHead, at);
  at += graphHead.byteLength;
  for (const t of tensors) {
    at = writeLengthDelimitedHeader(out, at, GRAPH_INITIALIZER_FIELD, t.length);
    out.set(t.header, at);
    at += t.header.byteLength;
    if (t.raw) {
      at = writeLengthDelimitedHeader(out, at, TENSOR_RAW_DATA_FIELD, t.raw.byteLength);
      out.set(t.raw, at);
      at += t.raw.byteLength;
    }
  }
  if (at !== total) throw new Error(`mergeModels: wrote ${at} of ${total} bytes (internal error).`);
  return out;
}
