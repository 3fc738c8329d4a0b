import type { ByteSource } from '../io/byte-source.js';
import { createTensor } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, littleEndianView, normalizeBoolBytes } from './decode.js';
import { SAFETENSORS_TO_TENSOR_DTYPE } from './dtype.js';
import type { SafetensorsDType } from './dtype.js';
import { readSafetensorsHeader } from './header.js';
import type { SafetensorsReadOptions } from './header.js';
import { SafetensorsError } from './safetensors-error.js';
import type { RawSafetensor, SafetensorsHeader, SafetensorsTensorInfo } from './types.js';

/**
 * Lazy reader of one safetensors file. Opening reads and validates only the
 * 8-byte prefix and the JSON header; each tensor's bytes are read from the
 * {@link ByteSource} when asked for.
 *
 * Arrays returned by the read methods may share memory with what the source
 * returned (with {@link bytesSource}, with the caller's buffer) whenever no
 * conversion or realignment was needed; copy them before mutating if that
 * matters.
 */
export class SafetensorsReader {
  /** The validated header. */
  readonly header: SafetensorsHeader;
  readonly #source: ByteSource;
  readonly #byName: ReadonlyMap<string, SafetensorsTensorInfo>;
  #closed = false;

  private constructor(source: ByteSource, header: SafetensorsHeader) {
    this.#source = source;
    this.header = header;
    this.#byName = new Map(header.tensors.map((t) => [t.name, t]));
  }

  /**
   * Opens a safetensors file. On failure the source is left open: the caller
   * that opened it closes it.
   *
   * @param source - the file's bytes
   * @param options - header size limit
   * @throws {@link SafetensorsError} when the header is malformed
   */
  static async open(source: ByteSource, options?: SafetensorsReadOptions): Promise<SafetensorsReader> {
    return new SafetensorsReader(source, await readSafetensorsHeader(source, options));
  }

  /** `__metadata__`, or `undefined` when the file has none. */
  get metadata(): Readonly<Record<string, string>> | undefined {
    return this.header.metadata;
  }

  /** Tensor names in data-offset order. */
  get names(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  /** Every tensor's header entry, in data-offset order. */
  get tensors(): readonly SafetensorsTensorInfo[] {
    return this.header.tensors;
  }

  /**
   * True when the file has a tensor called `name`.
   *
   * @param name - tensor name
   */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /**
   * The header entry of tensor `name`.
   *
   * @param name - tensor name
   * @throws {@link SafetensorsError} `SAFETENSORS_TENSOR_NOT_FOUND`
   */
  info(name: string): SafetensorsTensorInfo {
    const info = this.#byName.get(name);
    if (info === undefined) {
      const sample = this.names.slice(0, 5).map((n) => `"${n}"`);
      throw new SafetensorsError(
        'SAFETENSORS_TENSOR_NOT_FOUND',
        `No tensor "${name}" in this safetensors file (it has ${this.header.tensors.length}${sample.length > 0 ? `, e.g. ${sample.join(', ')}` : ''}). Check the name, or list them with reader.names.`,
        { details: { tensor: name } },
      );
    }
    return info;
  }

  /**
   * Reads tensor `name` without decoding: dtype name, shape and the raw
   * little-endian bytes. Works for every dtype.
   *
   * @param name - tensor name
   * @throws {@link SafetensorsError} `SAFETENSORS_TENSOR_NOT_FOUND`, `SAFETENSORS_TRUNCATED`, `SAFETENSORS_CLOSED`
   */
  async readRaw(name: string): Promise<RawSafetensor> {
    const info = this.info(name);
    if (this.#closed) {
      throw new SafetensorsError('SAFETENSORS_CLOSED', `Cannot read tensor "${name}": this safetensors reader was closed. Open the file again.`);
    }
    const bytes = await this.#source.read(this.header.dataOffset + info.dataOffsets[0], info.byteLength);
    if (bytes.byteLength !== info.byteLength) {
      throw new SafetensorsError(
        'SAFETENSORS_TRUNCATED',
        `Tensor "${name}" could not be read in full (${bytes.byteLength} of ${info.byteLength} bytes): the file shrank after it was opened. Re-open it.`,
        { details: { tensor: name } },
      );
    }
    return { dtype: info.dtype, shape: info.shape, bytes };
  }

  /**
   * Reads tensor `name` as a core {@link Tensor}: F32 → float32, F16 →
   * float16 (raw 16-bit words), I64 → int64, I32 → int32, U8 → uint8, BOOL →
   * bool (any non-zero byte reads as 1). BF16, which has no tensor dtype, is
   * widened to float32; that is lossless.
   *
   * @param name - tensor name
   * @throws {@link SafetensorsError} `SAFETENSORS_DTYPE_UNSUPPORTED` for other dtypes (use {@link readRaw}), and the errors of `readRaw`
   */
  async read(name: string): Promise<Tensor> {
    const info = this.info(name);
    const target = SAFETENSORS_TO_TENSOR_DTYPE[info.dtype];
    if (target === undefined) {
      throw new SafetensorsError(
        'SAFETENSORS_DTYPE_UNSUPPORTED',
        `Tensor "${name}" is ${info.dtype}, which has no Tensor dtype (supported: F32, F16, BF16, I64, I32, U8, BOOL). Use readRaw("${name}") to get its bytes.`,
        { details: { tensor: name, dtype: info.dtype } },
      );
    }
    const { bytes } = await this.readRaw(name);
    return createTensor(target, info.shape, decodeAs(info.dtype, bytes));
  }

  /**
   * Reads a floating-point tensor as a `Float32Array`, widening F16 and BF16
   * exactly.
   *
   * @param name - tensor name
   * @throws {@link SafetensorsError} `SAFETENSORS_DTYPE_MISMATCH` unless the tensor is F32, F16 or BF16, and the errors of `readRaw`
   */
  async readFloat32(name: string): Promise<Float32Array> {
    const info = this.info(name);
    if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
      throw new SafetensorsError(
        'SAFETENSORS_DTYPE_MISMATCH',
        `Tensor "${name}" is ${info.dtype}; readFloat32 converts only F32, F16 and BF16. Use read("${name}") or readRaw("${name}").`,
        { details: { tensor: name, dtype: info.dtype } },
      );
    }
    const { bytes } = await this.readRaw(name);
    if (info.dtype === 'F16') return float16BitsToFloat32(littleEndianView(bytes, Uint16Array));
    return decodeAs(info.dtype, bytes) as Float32Array;
  }

  /**
   * Reads every tensor with {@link read}, in data-offset order.
   *
   * @throws {@link SafetensorsError} `SAFETENSORS_DTYPE_UNSUPPORTED` when a tensor has no Tensor dtype
   */
  async readAll(): Promise<Record<string, Tensor>> {
    const out: Record<string, Tensor> = {};
    for (const { name } of this.header.tensors) {
      Object.defineProperty(out, name, { value: await this.read(name), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Closes the source (if it can be closed). Later reads throw `SAFETENSORS_CLOSED`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#source.close?.();
  }
}

function decodeAs(dtype: SafetensorsDType, bytes: Uint8Array): Tensor['data'] {
  switch (dtype) {
    case 'F32':
      return littleEndianView(bytes, Float32Array);
    case 'F16':
      return littleEndianView(bytes, Uint16Array);
    case 'BF16':
      return bfloat16BitsToFloat32(littleEndianView(bytes, Uint16Array));
    case 'I64':
      return littleEndianView(bytes, BigInt64Array);
    case 'I32':
      return littleEndianView(bytes, Int32Array);
    case 'U8':
      return bytes;
    case 'BOOL':
      return normalizeBoolBytes(bytes);
    default:
      throw new SafetensorsError('SAFETENSORS_DTYPE_UNSUPPORTED', `Cannot decode ${dtype} into a Tensor; use readRaw.`);
  }
}

/**
 * Opens a safetensors file from a {@link ByteSource}; same as
 * {@link SafetensorsReader.open}.
 *
 * @param source - the file's bytes
 * @param options - header size limit
 */
export function openSafetensors(source: ByteSource, options?: SafetensorsReadOptions): Promise<SafetensorsReader> {
  return SafetensorsReader.open(source, options);
}
