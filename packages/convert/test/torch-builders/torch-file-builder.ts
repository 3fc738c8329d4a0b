/**
 * Builds `torch.save`-style zip checkpoints in memory for tests, valid or
 * hostile. Not part of the public API.
 */
import { OP } from '../../src/torch/pickle-opcodes.js';
import { PickleWriter } from './pickle-writer.js';
import { writeZip } from './zip-writer.js';
import type { ZipWriterEntry, ZipWriterOptions } from './zip-writer.js';

/** One tensor of a test state dict, as `_rebuild_tensor_v2` arguments. */
export interface TestTensor {
  /** State dict key. */
  readonly name: string;
  /** Storage key (`<prefix>/data/<key>`). */
  readonly storageKey: string;
  /** Storage class in module `torch` (default `FloatStorage`). */
  readonly storageType?: string;
  /** Element count claimed by the persistent id. */
  readonly numel: number | bigint;
  /** Storage offset (default 0). */
  readonly offset?: number;
  /** Shape. */
  readonly shape: readonly (number | bigint)[];
  /** Stride (default: row-major contiguous). */
  readonly stride?: readonly (number | bigint)[];
  /** Wrap in `torch._utils._rebuild_parameter` like an `nn.Parameter`. */
  readonly parameter?: boolean;
}

function contiguousStride(shape: readonly (number | bigint)[]): number[] {
  const stride: number[] = [];
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = step;
    step *= Number(shape[i]);
  }
  return stride;
}

/**
 * Emits the pickle of one tensor exactly as torch.save does (leaving it on the stack).
 *
 * @param w - the writer
 * @param t - the tensor
 */
export function writeTensor(w: PickleWriter, t: TestTensor): void {
  if (t.parameter === true) w.global('torch._utils', '_rebuild_parameter').mark();
  w.global('torch._utils', '_rebuild_tensor_v2');
  w.mark();
  w.mark().str('storage').global('torch', t.storageType ?? 'FloatStorage').str(t.storageKey).str('cpu').int(t.numel).op(OP.TUPLE);
  w.op(OP.BINPERSID);
  w.int(t.offset ?? 0);
  w.intTuple(t.shape);
  w.intTuple(t.stride ?? contiguousStride(t.shape));
  w.bool(false);
  w.global('collections', 'OrderedDict').op(OP.EMPTY_TUPLE).op(OP.REDUCE);
  w.op(OP.TUPLE).op(OP.REDUCE);
  if (t.parameter === true) {
    w.bool(true).global('collections', 'OrderedDict').op(OP.EMPTY_TUPLE).op(OP.REDUCE);
    w.op(OP.TUPLE).op(OP.REDUCE);
  }
}

/**
 * The pickle of `OrderedDict(name → tensor)`, optionally with extra entries
 * written by `extra` (key then value, inside the SETITEMS mark).
 *
 * @param tensors - the tensors
 * @param extra - writes more key/value pairs
 */
export function stateDictPickle(tensors: readonly TestTensor[], extra?: (w: PickleWriter) => void): Uint8Array {
  const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').op(OP.EMPTY_TUPLE).op(OP.REDUCE).mark();
  for (const t of tensors) {
    w.str(t.name);
    writeTensor(w, t);
  }
  extra?.(w);
  return w.op(OP.SETITEMS).op(OP.STOP).build();
}

/** A whole test checkpoint. */
export interface TorchFileSpec {
  /** Top folder (default `archive`). */
  readonly prefix?: string;
  /** The `data.pkl` bytes. */
  readonly pickle: Uint8Array;
  /** Storage key → raw bytes. */
  readonly storages?: Readonly<Record<string, Uint8Array>>;
  /** `version` record (default `3\n`); `null` to leave it out. */
  readonly version?: string | null;
  /** `byteorder` record; left out by default. */
  readonly byteorder?: string;
  /** Field overrides per entry name relative to the prefix (`data.pkl`, `data/0` …). */
  readonly overrides?: Readonly<Record<string, Partial<ZipWriterEntry>>>;
  /** Zip writer options (default: torch-like 64-byte alignment and ZIP64 end records). */
  readonly zip?: ZipWriterOptions;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/**
 * Writes a torch.save-style zip checkpoint.
 *
 * @param spec - contents
 */
export function writeTorchFile(spec: TorchFileSpec): Uint8Array {
  const prefix = spec.prefix ?? 'archive';
  const entries: ZipWriterEntry[] = [];
  const add = (relative: string, data: Uint8Array): void => {
    entries.push({ name: `${prefix}/${relative}`, data, ...spec.overrides?.[relative] });
  };
  add('data.pkl', spec.pickle);
  if (spec.byteorder !== undefined) add('byteorder', ascii(spec.byteorder));
  for (const [key, data] of Object.entries(spec.storages ?? {})) add(`data/${key}`, data);
  if (spec.version !== null) add('version', ascii(spec.version ?? '3\n'));
  return writeZip(entries, spec.zip ?? { align: 64, zip64: true });
}

/**
 * Little-endian float32 bytes.
 *
 * @param values - the numbers
 */
export function f32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
