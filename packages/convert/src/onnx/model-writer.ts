/**
 * Serialises a {@link GraphBuilder} to ONNX `ModelProto` bytes.
 *
 * Every message except the weights is encoded by onnx-proto. The weights are framed by hand: the writer first
 * computes the exact size of the model from the initializers' shapes, allocates the output once, then loads one
 * initializer at a time and copies (or converts to float16) its values straight into place. Peak memory is the
 * output plus the largest single weight, and no weight is encoded twice.
 *
 * @module
 */
import type { OnnxTypedArray } from './data-type.js';
import { elementCount, ONNX_DATA_TYPE_BYTES, ONNX_DATA_TYPE_CODES } from './data-type.js';
import { float32ToFloat16 } from './float16.js';
import type { GraphBuilder, InitializerEntry } from './graph-builder.js';
import { onnx } from './onnx-proto.js';
import { lengthDelimitedHeaderLength, writeLengthDelimitedHeader } from './protobuf-wire.js';

/** ONNX IR version written by {@link writeModel}. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset written by {@link writeModel} (LayerNormalization needs 17). */
export const ONNX_OPSET = 17;

/** Field numbers of the hand-framed fields (onnx.proto). */
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;
/** protobuf (and so onnxruntime) refuses messages of 2 GiB or more. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Progress of {@link writeModel}, reported after each initializer. */
export interface WriteProgress {
  /** Initializers written so far. */
  readonly tensorsDone: number;
  /** Initializers in the graph. */
  readonly tensorsTotal: number;
  /** Bytes of the model written so far. */
  readonly bytesDone: number;
  /** Size of the model in bytes. */
  readonly bytesTotal: number;
}

/** Options of {@link writeModel}. */
export interface WriteModelOptions {
  /** `producer_name` (default `@clipseg/convert`). */
  readonly producerName?: string;
  /** `producer_version`. */
  readonly producerVersion?: string;
  /** `doc_string` of the model. */
  readonly docString?: string;
  /** `metadata_props` key/value pairs. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Called after each initializer is written. */
  readonly onProgress?: (progress: WriteProgress) => void;
}

/** Opset version imported for each custom operator domain a graph uses (onnxruntime's `com.microsoft` is version 1). */
const CUSTOM_DOMAIN_VERSION = 1;

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

interface PlannedTensor {
  readonly entry: InitializerEntry;
  readonly header: Uint8Array;
  readonly rawLength: number;
  readonly tensorLength: number;
}

function planTensor(entry: InitializerEntry): PlannedTensor {
  const header = onnx.TensorProto.encode({ name: entry.name, dims: [...entry.dims], dataType: ONNX_DATA_TYPE_CODES[entry.type] }).finish();
  const rawLength = elementCount(entry.dims) * ONNX_DATA_TYPE_BYTES[entry.type];
  const tensorLength = header.length + lengthDelimitedHeaderLength(TENSOR_RAW_DATA_FIELD, rawLength) + rawLength;
  return { entry, header, rawLength, tensorLength };
}

function asBytes(array: OnnxTypedArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes the model: IR {@link ONNX_IR_VERSION}, default-domain opset {@link ONNX_OPSET}, the builder's graph and
 * all its initializers as little-endian `raw_data`.
 *
 * @returns the `ModelProto` bytes, ready for `InferenceSession.create`.
 */
export async function writeModel(graph: GraphBuilder, options: WriteModelOptions = {}): Promise<Uint8Array> {
  if (!LITTLE_ENDIAN) throw new Error('writeModel needs a little-endian platform (ONNX raw_data is little-endian).');
  const modelHead = onnx.ModelProto.encode({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }, ...graph.customDomains().map((domain) => ({ domain, version: CUSTOM_DOMAIN_VERSION }))],
    producerName: options.producerName ?? '@clipseg/convert',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString ?? '',
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  }).finish();
  const graphHead = onnx.GraphProto.encode(graph.graphProto()).finish();
  const planned = graph.initializers().map(planTensor);
  let graphLength = graphHead.length;
  for (const t of planned) graphLength += lengthDelimitedHeaderLength(GRAPH_INITIALIZER_FIELD, t.tensorLength) + t.tensorLength;
  const total = modelHead.length + lengthDelimitedHeaderLength(MODEL_GRAPH_FIELD, graphLength) + graphLength;
  if (total > MAX_MODEL_BYTES) {
    throw new RangeError(`ONNX graph '${graph.name}' would be ${total} bytes; protobuf models must stay under 2 GiB (store weights as float16).`);
  }

  const out = new Uint8Array(total);
  out.set(modelHead, 0);
  let at = writeLengthDelimitedHeader(out, modelHead.length, MODEL_GRAPH_FIELD, graphLength);
  out.set(graphHead, at);
  at += graphHead.length;
  let done = 0;
  for (const t of planned) {
    at = writeLengthDelimitedHeader(out, at, GRAPH_INITIALIZER_FIELD, t.tensorLength);
    out.set(t.header, at);
    at += t.header.length;
    at = writeLengthDelimitedHeader(out, at, TENSOR_RAW_DATA_FIELD, t.rawLength);
    const data = await t.entry.load();
    const bytes = t.entry.type === 'float16' && data instanceof Float32Array ? asBytes(float32ToFloat16(data)) : asBytes(data);
    if (bytes.length !== t.rawLength) {
      throw new RangeError(`Initializer '${t.entry.name}' produced ${bytes.length} bytes, expected ${t.rawLength}.`);
    }
    out.set(bytes, at);
    at += t.rawLength;
    done += 1;
    options.onProgress?.({ tensorsDone: done, tensorsTotal: planned.length, bytesDone: at, bytesTotal: total });
  }
  if (at !== total) throw new Error(`writeModel: wrote ${at} of ${total} bytes (internal error).`);
  return out;
}
