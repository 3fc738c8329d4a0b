import type { SafetensorsDType } from './dtype.js';

/**
 * A tensor as stored in a safetensors file: its dtype name, shape and raw
 * little-endian bytes. Use it for dtypes a core `Tensor` cannot hold (`BF16`,
 * `F64` …) or to copy tensors between files without decoding them.
 */
export interface RawSafetensor {
  /** Element type, as named in the file. */
  readonly dtype: SafetensorsDType;
  /** Shape; every entry a non-negative integer (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** Row-major little-endian element bytes; `numel × dtype size` long. */
  readonly bytes: Uint8Array;
}

/** One header entry, validated. Offsets are relative to the start of the data region. */
export interface SafetensorsTensorInfo {
  /** Tensor name (the header key). */
  readonly name: string;
  /** Element type, as named in the file. */
  readonly dtype: SafetensorsDType;
  /** Shape; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets inside the data region. */
  readonly dataOffsets: readonly [number, number];
  /** `end - begin`, the tensor's size in bytes. */
  readonly byteLength: number;
}

/** A parsed and validated safetensors header. */
export interface SafetensorsHeader {
  /** `__metadata__`, or `undefined` when the file has none. */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** Every tensor, in data-offset order (the order of the bytes in the file). */
  readonly tensors: readonly SafetensorsTensorInfo[];
  /** Length of the JSON header in bytes (the value of the 8-byte prefix). */
  readonly headerLength: number;
  /** Absolute file offset of the data region: `8 + headerLength`. */
  readonly dataOffset: number;
  /** Size of the data region in bytes. */
  readonly dataLength: number;
}
