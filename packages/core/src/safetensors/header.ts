import type { ByteSource } from '../io/byte-source.js';
import { decodeUtf8Strict } from '../io/utf8.js';
import { isSafetensorsDType, SAFETENSORS_DTYPE_BYTES } from './dtype.js';
import { SafetensorsError } from './safetensors-error.js';
import type { SafetensorsHeader, SafetensorsTensorInfo } from './types.js';

/** Default limit on the JSON header length: 100 MiB (the reference library uses 100 MB). */
export const SAFETENSORS_DEFAULT_MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Options of {@link readSafetensorsHeader} and `openSafetensors`. */
export interface SafetensorsReadOptions {
  /** Largest accepted JSON header, in bytes. Default {@link SAFETENSORS_DEFAULT_MAX_HEADER_BYTES}. */
  readonly maxHeaderBytes?: number;
}

const REDOWNLOAD = 'Re-download or re-export the file.';
const U64_MAX = (1n << 64n) - 1n;

/**
 * Validates the 8-byte little-endian header-length prefix against the file
 * size and the limit, and returns the header length.
 *
 * @param prefix - the first 8 bytes of the file (or fewer, when the file is shorter)
 * @param fileSize - total size of the file in bytes
 * @param maxHeaderBytes - largest accepted header length
 * @throws {@link SafetensorsError} `SAFETENSORS_TRUNCATED` or `SAFETENSORS_HEADER_TOO_LARGE`
 */
export function parseSafetensorsHeaderLength(prefix: Uint8Array, fileSize: number, maxHeaderBytes = SAFETENSORS_DEFAULT_MAX_HEADER_BYTES): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    throw new SafetensorsError(
      'SAFETENSORS_TRUNCATED',
      `This safetensors file is ${fileSize} bytes long, shorter than its 8-byte header-length prefix: it is truncated or not a safetensors file. ${REDOWNLOAD}`,
      { details: { fileSize } },
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(maxHeaderBytes)) {
    throw new SafetensorsError(
      'SAFETENSORS_HEADER_TOO_LARGE',
      `This safetensors file declares a ${declared} byte header, over the ${maxHeaderBytes} byte limit. The file is probably corrupt or not a safetensors file; if it is genuine, raise the maxHeaderBytes option.`,
      { details: { headerLength: declared.toString(), maxHeaderBytes } },
    );
  }
  const headerLength = Number(declared);
  if (headerLength > fileSize - 8) {
    throw new SafetensorsError(
      'SAFETENSORS_TRUNCATED',
      `This safetensors file declares a ${headerLength} byte header but only ${fileSize - 8} bytes follow the length prefix: the header is cut off. ${REDOWNLOAD}`,
      { details: { headerLength, fileSize } },
    );
  }
  return headerLength;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a header value for messages; bounded work and length whatever the value (never recursive). */
function describe(value: unknown): string {
  const shallow = (v: unknown): boolean => v === null || typeof v !== 'object';
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.slice(0, 60));
  else if (Array.isArray(value)) text = value.length <= 8 && value.every(shallow) ? JSON.stringify(value.map((v: unknown) => (typeof v === 'string' ? v.slice(0, 60) : v))) : `an array of ${value.length} items`;
  else if (typeof value === 'object' && value !== null) text = 'an object';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function parseMetadata(value: unknown): Readonly<Record<string, string>> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      'SAFETENSORS_METADATA_INVALID',
      `The safetensors header's "__metadata__" must be an object of strings, got ${describe(value)}. Re-export the file with string-valued metadata.`,
    );
  }
  const entries: [string, string][] = [];
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (typeof item !== 'string') {
      throw new SafetensorsError(
        'SAFETENSORS_METADATA_INVALID',
        `The safetensors header's "__metadata__"."${key}" must be a string, got ${describe(item)}. Re-export the file with string-valued metadata.`,
        { details: { key } },
      );
    }
    entries.push([key, item]);
  }
  return Object.freeze(Object.fromEntries(entries));
}

function parseEntry(name: string, value: unknown, dataLength: number): SafetensorsTensorInfo {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      'SAFETENSORS_HEADER_INVALID',
      `Tensor "${name}" in the safetensors header must be an object { dtype, shape, data_offsets }, got ${describe(value)}. ${REDOWNLOAD}`,
      { details: { tensor: name } },
    );
  }
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!(field in value)) {
      throw new SafetensorsError('SAFETENSORS_HEADER_INVALID', `Tensor "${name}" in the safetensors header has no "${field}" field. ${REDOWNLOAD}`, {
        details: { tensor: name, field },
      });
    }
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') {
    throw new SafetensorsError('SAFETENSORS_HEADER_INVALID', `Tensor "${name}": "dtype" must be a string, got ${describe(dtype)}. ${REDOWNLOAD}`, {
      details: { tensor: name, field: 'dtype' },
    });
  }
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(
      'SAFETENSORS_DTYPE_UNSUPPORTED',
      `Tensor "${name}" has dtype ${describe(dtype)}, which this reader does not support (known: byte-sized safetensors dtypes such as F32, F16, BF16, I64, I32, U8, BOOL). Convert the checkpoint to a supported dtype.`,
      { details: { tensor: name, dtype } },
    );
  }
  if (!Array.isArray(shape)) {
    throw new SafetensorsError('SAFETENSORS_HEADER_INVALID', `Tensor "${name}": "shape" must be an array of integers, got ${describe(shape)}. ${REDOWNLOAD}`, {
      details: { tensor: name, field: 'shape' },
    });
  }
  // Like the reference (a checked 64-bit product, dimension by dimension), a running element count beyond 2^64 − 1
  // is refused, even when a later dimension is 0: this also keeps the product, and the time to compute it, small
  // whatever the number of dimensions.
  let numel = 1n;
  for (const [axis, dim] of (shape as unknown[]).entries()) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new SafetensorsError(
        'SAFETENSORS_SHAPE_INVALID',
        `Tensor "${name}": shape[${axis}] is ${describe(dim)}; every dimension must be a non-negative integer below 2^53. ${REDOWNLOAD}`,
        { details: { tensor: name, field: 'shape', axis } },
      );
    }
    numel *= BigInt(dim);
    if (numel > U64_MAX) {
      throw new SafetensorsError(
        'SAFETENSORS_SHAPE_INVALID',
        `Tensor "${name}": the element count of its shape overflows 64 bits at shape[${axis}] (${shape.length} dimensions); no file can hold it. ${REDOWNLOAD}`,
        { details: { tensor: name, field: 'shape', axis } },
      );
    }
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o: unknown) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) ||
    (offsets[0] as number) > (offsets[1] as number)
  ) {
    throw new SafetensorsError(
      'SAFETENSORS_OFFSETS_INVALID',
      `Tensor "${name}": "data_offsets" must be [begin, end], two non-negative integers with begin <= end, got ${describe(offsets)}. ${REDOWNLOAD}`,
      { details: { tensor: name, field: 'data_offsets' } },
    );
  }
  const begin = offsets[0] as number;
  const end = offsets[1] as number;
  const expected = numel * BigInt(SAFETENSORS_DTYPE_BYTES[dtype]);
  if (BigInt(end - begin) !== expected) {
    const shown = shape.length <= 16 ? `[${(shape as number[]).join(', ')}]` : `of ${shape.length} dimensions`;
    throw new SafetensorsError(
      'SAFETENSORS_OFFSETS_INVALID',
      `Tensor "${name}": data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${dtype} shape ${shown} needs ${expected} bytes. ${REDOWNLOAD}`,
      { details: { tensor: name, field: 'data_offsets', begin, end, expected: expected.toString() } },
    );
  }
  if (end > dataLength) {
    throw new SafetensorsError(
      'SAFETENSORS_TRUNCATED',
      `Tensor "${name}" ends at byte ${end} of the data region, but the file holds only ${dataLength} data bytes: the file is truncated or its header is wrong. ${REDOWNLOAD}`,
      { details: { tensor: name, end, dataLength } },
    );
  }
  return Object.freeze({
    name,
    dtype,
    shape: Object.freeze([...(shape as number[])]),
    dataOffsets: Object.freeze([begin, end] as const),
    byteLength: end - begin,
  });
}

/**
 * Parses and validates a safetensors JSON header (the bytes after the 8-byte
 * prefix). Follows the reference implementation's rules: a JSON object whose
 * optional `__metadata__` maps strings to strings and whose other entries are
 * `{ dtype, shape, data_offsets }` with `end - begin == numel × dtype size`.
 * Sorted by offset, the tensors must tile the data region exactly, starting
 * at 0, with no overlap (`SAFETENSORS_OVERLAP`) and no gap or trailing bytes
 * (`SAFETENSORS_COVERAGE_INCOMPLETE`, HF's `MetadataIncompleteBuffer`).
 * Unknown fields inside an entry are ignored, as the reference does.
 *
 * Everything is checked from the header alone, so a header claiming an
 * absurdly large tensor is refused before anything is allocated for it.
 *
 * @param headerBytes - the JSON header bytes
 * @param dataLength - size of the data region (file size − 8 − header length)
 * @returns the metadata and the tensors in data-offset order
 * @throws {@link SafetensorsError} with the code of the first problem found
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  dataLength: number,
): { metadata: Readonly<Record<string, string>> | undefined; tensors: readonly SafetensorsTensorInfo[] } {
  let text: string;
  try {
    text = decodeUtf8Strict(headerBytes);
  } catch (cause) {
    throw new SafetensorsError('SAFETENSORS_HEADER_INVALID', `The safetensors header is not valid UTF-8. ${REDOWNLOAD}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError(
      'SAFETENSORS_HEADER_INVALID',
      `The safetensors header is not valid JSON (it starts ${describe(text.slice(0, 40))}): the file is corrupt or not a safetensors file. ${REDOWNLOAD}`,
      { cause },
    );
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError(
      'SAFETENSORS_HEADER_INVALID',
      `The safetensors header must be a JSON object, got ${Array.isArray(json) ? 'an array' : describe(json)}. ${REDOWNLOAD}`,
    );
  }
  let metadata: Readonly<Record<string, string>> | undefined;
  const tensors: SafetensorsTensorInfo[] = [];
  for (const key of Object.keys(json)) {
    if (key === '__metadata__') metadata = parseMetadata(json[key]);
    else tensors.push(parseEntry(key, json[key], dataLength));
  }
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let cursor = 0;
  let previous: SafetensorsTensorInfo | undefined;
  for (const info of tensors) {
    const [begin, end] = info.dataOffsets;
    if (begin < cursor) {
      throw new SafetensorsError(
        'SAFETENSORS_OVERLAP',
        `Tensors "${previous!.name}" [${previous!.dataOffsets.join(', ')}] and "${info.name}" [${begin}, ${end}] overlap in the data region. ${REDOWNLOAD}`,
        { details: { tensors: [previous!.name, info.name] } },
      );
    }
    if (begin > cursor) {
      throw new SafetensorsError(
        'SAFETENSORS_COVERAGE_INCOMPLETE',
        `Bytes [${cursor}, ${begin}) of the data region belong to no tensor (the gap is before "${info.name}"); safetensors requires tensors to cover the data contiguously from 0. ${REDOWNLOAD}`,
        { details: { tensor: info.name, gapBegin: cursor, gapEnd: begin } },
      );
    }
    cursor = end;
    previous = info;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      'SAFETENSORS_COVERAGE_INCOMPLETE',
      `The data region is ${dataLength} bytes but the tensors cover only the first ${cursor}: the file has ${dataLength - cursor} trailing bytes that belong to no tensor. ${REDOWNLOAD}`,
      { details: { covered: cursor, dataLength } },
    );
  }
  return { metadata, tensors };
}

/**
 * Reads and validates the header of a safetensors file from `source`, reading
 * only the 8-byte prefix and the header itself.
 *
 * @param source - the file's bytes
 * @param options - header size limit
 * @throws {@link SafetensorsError} on any malformed header
 */
export async function readSafetensorsHeader(source: ByteSource, options: SafetensorsReadOptions = {}): Promise<SafetensorsHeader> {
  const maxHeaderBytes = options.maxHeaderBytes ?? SAFETENSORS_DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 0) {
    throw new SafetensorsError('SAFETENSORS_INPUT_INVALID', `maxHeaderBytes must be a non-negative integer, got ${String(maxHeaderBytes)}.`);
  }
  const size = source.size;
  const prefix = size >= 8 ? await source.read(0, 8) : new Uint8Array(0);
  const headerLength = parseSafetensorsHeaderLength(prefix, size, maxHeaderBytes);
  const headerBytes = await source.read(8, headerLength);
  if (headerBytes.byteLength !== headerLength) {
    throw new SafetensorsError('SAFETENSORS_TRUNCATED', `The safetensors header could not be read in full: the file shrank while it was being read. ${REDOWNLOAD}`);
  }
  const dataOffset = 8 + headerLength;
  const dataLength = size - dataOffset;
  const { metadata, tensors } = parseSafetensorsHeader(headerBytes, dataLength);
  return Object.freeze({ metadata, tensors: Object.freeze(tensors), headerLength, dataOffset, dataLength });
}
