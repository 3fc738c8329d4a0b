import { encodeUtf8, isWellFormedUtf16 } from '../io/utf8.js';
import { isTensor, TENSOR_ARRAY_TYPES } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { littleEndianBytes, normalizeBoolBytes } from './decode.js';
import { isSafetensorsDType, SAFETENSORS_DTYPE_BYTES, safetensorsDTypeRank, TENSOR_TO_SAFETENSORS_DTYPE } from './dtype.js';
import type { SafetensorsDType } from './dtype.js';
import { SafetensorsError } from './safetensors-error.js';
import type { RawSafetensor, SafetensorsTensorInfo } from './types.js';

/** What the writer accepts per name: a core {@link Tensor} or a {@link RawSafetensor}. */
export type SafetensorsInput = Tensor | RawSafetensor;

/** The layout of a file about to be written, computed before any byte is produced. */
export interface SafetensorsPlan {
  /** The 8-byte length prefix followed by the space-padded JSON header. */
  readonly head: Uint8Array;
  /** Tensors in file order, with their offsets and the bytes to write. */
  readonly entries: readonly (SafetensorsTensorInfo & { readonly bytes: Uint8Array })[];
  /** Total file size in bytes. */
  readonly byteLength: number;
}


function invalid(message: string, name?: string): SafetensorsError {
  return new SafetensorsError('SAFETENSORS_INPUT_INVALID', message, name === undefined ? undefined : { details: { tensor: name } });
}

function checkShape(name: string, shape: unknown): bigint {
  if (!Array.isArray(shape)) throw invalid(`Tensor "${name}": shape must be an array of non-negative integers.`, name);
  let numel = 1n;
  for (const dim of shape as unknown[]) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw invalid(`Tensor "${name}": shape [${(shape as unknown[]).join(', ')}] has ${String(dim)}; dimensions must be non-negative integers.`, name);
    }
    numel *= BigInt(dim);
  }
  return numel;
}

function toRaw(name: string, value: SafetensorsInput | undefined): RawSafetensor {
  if (isTensor(value)) {
    const numel = checkShape(name, value.dims);
    if (!(value.data instanceof TENSOR_ARRAY_TYPES[value.type]) || BigInt(value.data.length) !== numel) {
      throw invalid(
        `Tensor "${name}": a ${value.type} tensor of shape [${value.dims.join(', ')}] needs a ${TENSOR_ARRAY_TYPES[value.type].name} of ${numel} elements, got a ${value.data.constructor.name} of ${(value.data as { length?: number }).length ?? '?'}.`,
        name,
      );
    }
    let bytes = littleEndianBytes(value.data);
    if (value.type === 'bool') bytes = normalizeBoolBytes(bytes);
    return { dtype: TENSOR_TO_SAFETENSORS_DTYPE[value.type], shape: value.dims, bytes };
  }
  const raw = value as Partial<RawSafetensor> | undefined;
  if (typeof raw !== 'object' || raw === null || !('dtype' in raw) || !('bytes' in raw)) {
    throw invalid(`"${name}" is neither a Tensor ({ type, dims, data }) nor a raw safetensor ({ dtype, shape, bytes }).`, name);
  }
  if (!isSafetensorsDType(raw.dtype)) throw invalid(`Tensor "${name}": unknown safetensors dtype ${JSON.stringify(raw.dtype)}.`, name);
  const numel = checkShape(name, raw.shape);
  const expected = numel * BigInt(SAFETENSORS_DTYPE_BYTES[raw.dtype]);
  if (!(raw.bytes instanceof Uint8Array) || BigInt(raw.bytes.byteLength) !== expected) {
    throw invalid(`Tensor "${name}": ${raw.dtype} shape [${raw.shape!.join(', ')}] needs a Uint8Array of ${expected} bytes.`, name);
  }
  return { dtype: raw.dtype, shape: raw.shape!, bytes: raw.bytes };
}

function checkText(what: string, text: string): void {
  if (!isWellFormedUtf16(text)) throw invalid(`${what} contains a lone UTF-16 surrogate, which cannot be stored as UTF-8.`);
}

/** Orders by UTF-8 bytes, i.e. by code point, as Rust's `str` ordering does. */
function compareUtf8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Validates the inputs and lays the file out, exactly as the reference
 * library's `serialize` does: tensors sorted by dtype alignment descending
 * (its `Dtype` enum order: U64, I64, F64, C64, F32, U32, I32, BF16, F16, U16,
 * I16, F8_E8M0, F8_E4M3, F8_E5M2, I8, U8, BOOL), ties by name in UTF-8 byte
 * order; data offsets contiguous from 0; the JSON header compact, with
 * `__metadata__` first (its keys sorted by code point, so output is
 * deterministic), then the tensors in file order, padded with spaces to a
 * multiple of 8 bytes. No bytes are copied: `entries[i].bytes` are views of
 * the inputs (except bool tensors holding values other than 0/1, and on
 * big-endian hosts).
 *
 * @param tensors - name → tensor; `__metadata__` is not a valid name
 * @param metadata - optional string → string `__metadata__`
 * @throws {@link SafetensorsError} `SAFETENSORS_INPUT_INVALID`
 */
export function planSafetensors(tensors: Readonly<Record<string, SafetensorsInput>>, metadata?: Readonly<Record<string, string>>): SafetensorsPlan {
  if (typeof tensors !== 'object' || tensors === null) throw invalid('The tensors to write must be an object mapping names to tensors.');
  const items = Object.keys(tensors).map((name) => {
    if (name === '__metadata__') throw invalid('"__metadata__" is reserved by the safetensors format; it cannot name a tensor. Pass metadata separately.', name);
    checkText(`Tensor name "${name}"`, name);
    return { name, key: encodeUtf8(name), raw: toRaw(name, tensors[name]) };
  });
  items.sort((a, b) => safetensorsDTypeRank(b.raw.dtype) - safetensorsDTypeRank(a.raw.dtype) || compareUtf8(a.key, b.key));

  const parts: string[] = [];
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) throw invalid('Metadata must be an object of strings.');
    const keys = Object.keys(metadata).sort((a, b) => compareUtf8(encodeUtf8(a), encodeUtf8(b)));
    const fields = keys.map((key) => {
      const value = metadata[key];
      if (typeof value !== 'string') throw invalid(`Metadata "${key}" must be a string, got ${typeof value}. Stringify it (e.g. JSON.stringify) first.`);
      checkText(`Metadata key "${key}"`, key);
      checkText(`Metadata "${key}"`, value);
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  let offset = 0;
  const entries = items.map(({ name, raw }) => {
    const begin = offset;
    offset += raw.bytes.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${raw.dtype}","shape":[${raw.shape.join(',')}],"data_offsets":[${begin},${offset}]}`);
    return Object.freeze({
      name,
      dtype: raw.dtype as SafetensorsDType,
      shape: Object.freeze([...raw.shape]),
      dataOffsets: Object.freeze([begin, offset] as const),
      byteLength: raw.bytes.byteLength,
      bytes: raw.bytes,
    });
  });
  const json = encodeUtf8(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const head = new Uint8Array(8 + headerLength).fill(0x20, 8 + json.byteLength);
  new DataView(head.buffer).setBigUint64(0, BigInt(headerLength), true);
  head.set(json, 8);
  return Object.freeze({ head, entries: Object.freeze(entries), byteLength: head.byteLength + offset });
}

/**
 * The bytes of a safetensors file as a sequence of chunks: first the length
 * prefix and header, then each non-empty tensor's bytes in file order. Inputs
 * are validated when this is called, before any chunk is produced; chunks are
 * views of the inputs, so do not mutate them until the chunks are consumed.
 * Lets a writer stream a large checkpoint without one buffer of its size.
 * The result can be iterated more than once.
 *
 * @param tensors - name → tensor
 * @param metadata - optional `__metadata__`
 * @throws {@link SafetensorsError} `SAFETENSORS_INPUT_INVALID`
 */
export function safetensorsChunks(tensors: Readonly<Record<string, SafetensorsInput>>, metadata?: Readonly<Record<string, string>>): Iterable<Uint8Array> {
  const plan = planSafetensors(tensors, metadata);
  return {
    *[Symbol.iterator](): Iterator<Uint8Array> {
      yield plan.head;
      for (const entry of plan.entries) if (entry.byteLength > 0) yield entry.bytes;
    },
  };
}

/**
 * Serialises tensors to a safetensors file in memory, byte-for-byte as the
 * reference library would (see {@link planSafetensors} for the layout).
 *
 * @param tensors - name → tensor
 * @param metadata - optional `__metadata__`
 * @throws {@link SafetensorsError} `SAFETENSORS_INPUT_INVALID`
 */
export function writeSafetensors(tensors: Readonly<Record<string, SafetensorsInput>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const plan = planSafetensors(tensors, metadata);
  const out = new Uint8Array(plan.byteLength);
  out.set(plan.head, 0);
  for (const entry of plan.entries) out.set(entry.bytes, plan.head.byteLength + entry.dataOffsets[0]);
  return out;
}
