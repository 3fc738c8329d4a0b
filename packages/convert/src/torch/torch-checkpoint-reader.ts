import type { CheckpointDType, CheckpointReader, CheckpointTensorInfo } from '../checkpoint/checkpoint-reader.js';
import { bytesAccess } from './random-access-bytes.js';
import type { RandomAccessBytes } from './random-access-bytes.js';
import { extractStateDict } from './state-dict.js';
import type { SkippedEntry } from './state-dict.js';
import { createStorageResolver } from './storage-ref.js';
import { openTorchArchive } from './torch-archive.js';
import type { TorchArchive, TorchArchiveOptions } from './torch-archive.js';
import { decodeToFloat32, gatherStrided } from './tensor-decode.js';
import { DEFAULT_TENSOR_REBUILD_LIMITS } from './tensor-rebuild.js';
import type { TorchTensorRecord } from './tensor-rebuild.js';
import { TorchCheckpointError, torchError } from './torch-checkpoint-error.js';
import { CHECKPOINT_DTYPE_BYTES } from './torch-dtypes.js';
import { createTorchGlobals } from './torch-globals.js';
import { unpickle } from './unpickler.js';
import type { UnpicklerLimits } from './unpickler.js';

/** Options of {@link readTorchCheckpoint} and {@link openTorchCheckpoint}. */
export interface TorchCheckpointOptions extends TorchArchiveOptions {
  /** Name of the file for messages and {@link CheckpointReader.source} (default `pytorch_model.bin`). */
  readonly source?: string;
  /** Pickle resource limits (depth, stack, memo, objects, string length). */
  readonly pickleLimits?: Partial<UnpicklerLimits>;
  /** Most elements one tensor may have (default 2^30, i.e. 4 GiB as float32). */
  readonly maxTensorElements?: number;
  /** Most dimensions one tensor may have (default 64). */
  readonly maxDims?: number;
}

/** What {@link TorchCheckpointReader.info} says about a tensor. */
export interface TorchTensorInfo extends CheckpointTensorInfo {
  /** Key of the storage (`<prefix>/data/<key>`) the tensor views. */
  readonly storageKey: string;
  /** First element inside the storage. */
  readonly storageOffset: number;
  /** Strides, in elements. */
  readonly stride: readonly number[];
  /** Whether the view is row-major contiguous (else reads materialise a copy). */
  readonly contiguous: boolean;
}

/**
 * A safely parsed `torch.save` checkpoint (`pytorch_model.bin`, zip format).
 * Opening validates the zip, runs the restricted unpickler (which executes
 * nothing) and validates every tensor view against its storage; tensor bytes
 * are read, checksummed and converted only when asked for.
 */
export class TorchCheckpointReader implements CheckpointReader {
  /** What was read, for messages. */
  readonly source: string;
  /** The archive's top folder name, e.g. `archive`. */
  readonly prefix: string;
  /** The integer in the archive's `version` record, if any. */
  readonly formatVersion: number | undefined;
  /** Dict entries that are not tensors and were ignored. */
  readonly skipped: readonly SkippedEntry[];
  /** `state_dict` or `model` when the tensors were found under that key of the top-level dict. */
  readonly wrapperKey: string | undefined;
  readonly #archive: TorchArchive;
  readonly #tensors: ReadonlyMap<string, TorchTensorRecord>;
  readonly #infos: readonly TorchTensorInfo[];
  readonly #infoByName: ReadonlyMap<string, TorchTensorInfo>;
  #closed = false;

  /**
   * Use {@link readTorchCheckpoint} or {@link openTorchCheckpoint}.
   *
   * @param source - file name for messages
   * @param archive - the opened archive
   * @param contents - the extracted state dict
   */
  private constructor(source: string, archive: TorchArchive, contents: ReturnType<typeof extractStateDict>) {
    this.source = source;
    this.#archive = archive;
    this.prefix = archive.prefix;
    this.formatVersion = archive.formatVersion;
    this.#tensors = contents.tensors;
    this.skipped = contents.skipped;
    this.wrapperKey = contents.wrapperKey;
    this.#infos = [...contents.tensors].map(([name, t]) => ({
      name,
      dtype: t.storage.dtype,
      shape: t.shape,
      storageKey: t.storage.key,
      storageOffset: t.storageOffset,
      stride: t.stride,
      contiguous: t.contiguous,
    }));
    this.#infoByName = new Map(this.#infos.map((i) => [i.name, i]));
  }

  /**
   * Opens a checkpoint from random-access bytes. See {@link readTorchCheckpoint}.
   *
   * @param access - the whole file
   * @param options - source name, limits, checksum verification
   * @throws {@link TorchCheckpointError} when the file is refused
   */
  static open(access: RandomAccessBytes, options?: TorchCheckpointOptions): TorchCheckpointReader {
    const source = options?.source ?? 'pytorch_model.bin';
    return withSource(source, () => {
      const archive = openTorchArchive(access, options);
      const globals = createTorchGlobals({
        maxTensorElements: options?.maxTensorElements ?? DEFAULT_TENSOR_REBUILD_LIMITS.maxTensorElements,
        maxDims: options?.maxDims ?? DEFAULT_TENSOR_REBUILD_LIMITS.maxDims,
      });
      const top = unpickle(archive.pickle, {
        globals,
        persistentLoad: createStorageResolver(archive),
        ...(options?.pickleLimits === undefined ? {} : { limits: options.pickleLimits }),
      });
      return new TorchCheckpointReader(source, archive, extractStateDict(top));
    });
  }

  /** Every tensor, in pickle order. */
  list(): readonly TorchTensorInfo[] {
    return this.#infos;
  }

  /**
   * True when the checkpoint has a tensor called `name`.
   *
   * @param name - tensor name
   */
  has(name: string): boolean {
    return this.#tensors.has(name);
  }

  /**
   * The tensor called `name`.
   *
   * @param name - tensor name
   * @throws {@link TorchCheckpointError} `TORCH_TENSOR_NOT_FOUND`
   */
  info(name: string): TorchTensorInfo {
    const info = this.#infoByName.get(name);
    if (info === undefined) throw this.#notFound(name);
    return info;
  }

  /**
   * The tensor's elements as contiguous little-endian bytes of its stored
   * dtype (a copy when the view is strided; else possibly a view of the
   * file's memory, never to be mutated).
   *
   * @param name - tensor name
   * @throws {@link TorchCheckpointError} `TORCH_TENSOR_NOT_FOUND`,
   *   `TORCH_READER_CLOSED`, `TORCH_ZIP_CHECKSUM_MISMATCH`
   */
  readBytes(name: string): Uint8Array {
    return withSource(this.source, () => {
      if (this.#closed) throw torchError('TORCH_READER_CLOSED', 'The checkpoint reader was closed.');
      const tensor = this.#tensors.get(name);
      if (tensor === undefined) throw this.#notFound(name);
      const { storage } = tensor;
      const elementBytes = CHECKPOINT_DTYPE_BYTES[storage.dtype];
      if (tensor.numel === 0) return new Uint8Array(0);
      if (this.#archive.verifyChecksums) this.#archive.zip.verify(storage.entry);
      const start = tensor.storageOffset * elementBytes;
      if (tensor.contiguous) return this.#archive.zip.read(storage.entry, start, tensor.numel * elementBytes);
      let last = tensor.storageOffset;
      for (let i = 0; i < tensor.shape.length; i++) last += (tensor.shape[i]! - 1) * tensor.stride[i]!;
      const span = this.#archive.zip.read(storage.entry, start, (last - tensor.storageOffset + 1) * elementBytes);
      return gatherStrided(span, elementBytes, tensor.shape, tensor.stride, tensor.numel);
    });
  }

  /**
   * The tensor's values as float32 (F32 and BF16 exact, F16 exact, F64 and
   * integers rounded to nearest, BOOL as 0/1), in row-major order. Always a
   * fresh array.
   *
   * @param name - tensor name
   * @throws {@link TorchCheckpointError} as {@link TorchCheckpointReader.readBytes}
   */
  readFloat32(name: string): Promise<Float32Array> {
    try {
      const bytes = this.readBytes(name);
      const dtype: CheckpointDType = this.#tensors.get(name)!.storage.dtype;
      return Promise.resolve(decodeToFloat32(bytes, dtype, bytes.byteLength / CHECKPOINT_DTYPE_BYTES[dtype]));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Marks the reader closed; later reads fail with `TORCH_READER_CLOSED`. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #notFound(name: string): TorchCheckpointError {
    const sample = this.#infos.slice(0, 5).map((i) => `"${i.name}"`);
    return torchError(
      'TORCH_TENSOR_NOT_FOUND',
      `The checkpoint has no tensor "${name}" (it has ${String(this.#infos.length)}${sample.length > 0 ? `, e.g. ${sample.join(', ')}` : ''}).`,
      { name },
    );
  }
}

/**
 * Safely reads a `torch.save` checkpoint (`pytorch_model.bin`, the zip
 * format of PyTorch ≥ 1.6) held in memory. Nothing in the file is executed:
 * its pickle is decoded by a restricted unpickler that only knows the
 * tensor-rebuilding globals of a state dict (`collections.OrderedDict`,
 * `torch._utils._rebuild_tensor_v2`, `torch.FloatStorage` …) and refuses
 * every other global, and every storage and tensor view is validated against
 * the file before use.
 *
 * The pickled object must be a dict of name → tensor, or a dict whose
 * `state_dict` / `model` entry is one (see `extractStateDict`); other
 * entries are skipped and listed in {@link TorchCheckpointReader.skipped}.
 *
 * @param bytes - the whole file
 * @param options - source name, limits, checksum verification
 * @throws {@link TorchCheckpointError} when the file is refused (its `code`
 *   says why; see `TorchCheckpointErrorCode`)
 */
export function readTorchCheckpoint(bytes: Uint8Array, options?: TorchCheckpointOptions): TorchCheckpointReader {
  return TorchCheckpointReader.open(bytesAccess(bytes), options);
}

/**
 * Opens a checkpoint from any {@link RandomAccessBytes} (e.g. a lazy source
 * over a large file). See {@link readTorchCheckpoint}.
 *
 * @param access - the whole file
 * @param options - source name, limits, checksum verification
 * @throws {@link TorchCheckpointError} when the file is refused
 */
export function openTorchCheckpoint(access: RandomAccessBytes, options?: TorchCheckpointOptions): TorchCheckpointReader {
  return TorchCheckpointReader.open(access, options);
}

/** Runs `body`, prefixing the message of any {@link TorchCheckpointError} with the source name. */
function withSource<T>(source: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof TorchCheckpointError && !error.message.startsWith(`${source}: `)) {
      throw new TorchCheckpointError(error.code, `${source}: ${error.message}`, { details: { ...error.details, source }, cause: error });
    }
    throw error;
  }
}
