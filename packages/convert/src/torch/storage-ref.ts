import type { CheckpointDType } from '../checkpoint/checkpoint-reader.js';
import { PyGlobal, PyHostObject, PyTuple, describePyValue } from './pickle-values.js';
import type { PyValue } from './pickle-values.js';
import type { TorchArchive } from './torch-archive.js';
import { torchError } from './torch-checkpoint-error.js';
import { CHECKPOINT_DTYPE_BYTES } from './torch-dtypes.js';
import type { ZipEntry } from './zip-reader.js';

/** Host-object type of a {@link TorchStorageRef} inside the unpickled value tree. */
export const STORAGE_OBJECT_TYPE = 'torch.storage';

/** Descriptor tag of the storage-type markers (`torch.FloatStorage` …); see `createTorchGlobals`. */
export const STORAGE_TYPE_TAG_PREFIX = 'torch.storage-type:';

/**
 * A validated, lazy reference to one storage of a `torch.save` archive: the
 * zip entry `<prefix>/data/<key>` exists, is readable (stored, consistent
 * local header) and holds at least `byteLength = numel × element size` bytes.
 * No storage bytes are read when it is created.
 */
export interface TorchStorageRef {
  /** Storage key, the `<key>` of `<prefix>/data/<key>`. */
  readonly key: string;
  /** Element type, from the storage class named in the persistent id. */
  readonly dtype: CheckpointDType;
  /** Device it was saved from (`cpu`, `cuda:0` …); informational only. */
  readonly location: string;
  /** Number of elements the persistent id claims. */
  readonly numel: number;
  /** `numel × element size`, never more than `entry.size`. */
  readonly byteLength: number;
  /** The zip entry with the raw little-endian bytes. */
  readonly entry: ZipEntry;
}

const MAX_KEY_LENGTH = 256;

/**
 * The BINPERSID resolver of a torch archive: turns
 * `('storage', <StorageType>, key, location, numel)` into a
 * {@link PyHostObject} holding a {@link TorchStorageRef}, after checking
 * that the storage exists and that its entry holds the claimed bytes.
 *
 * @param archive - the opened archive
 * @returns a `persistentLoad` function for the unpickler
 * @throws {@link TorchCheckpointError} (from the returned function)
 *   `TORCH_STORAGE_INVALID`, `TORCH_STORAGE_MISSING` or `TORCH_STORAGE_OVERRUN`
 */
export function createStorageResolver(archive: TorchArchive): (pid: PyValue) => PyValue {
  return (pid) => new PyHostObject<TorchStorageRef>(STORAGE_OBJECT_TYPE, resolveStorage(archive, pid));
}

function bad(problem: string, pid: PyValue): Error {
  return torchError('TORCH_STORAGE_INVALID', `A persistent id in the checkpoint's pickle is not a storage reference: ${problem}`, {
    pid: describePyValue(pid),
  });
}

function resolveStorage(archive: TorchArchive, pid: PyValue): TorchStorageRef {
  if (!(pid instanceof PyTuple) || pid.items.length !== 5) {
    throw bad(`expected ('storage', StorageType, key, location, numel), got ${describePyValue(pid)}.`, pid);
  }
  const [kind, storageType, key, location, numel] = pid.items as [PyValue, PyValue, PyValue, PyValue, PyValue];
  if (kind !== 'storage') throw bad(`its first item is ${describePyValue(kind)}, not 'storage'.`, pid);
  if (!(storageType instanceof PyGlobal) || storageType.descriptor.kind !== 'marker' || !storageType.descriptor.tag.startsWith(STORAGE_TYPE_TAG_PREFIX)) {
    throw bad(`its storage type is ${describePyValue(storageType)}, not a torch storage class such as torch.FloatStorage.`, pid);
  }
  const dtype = storageType.descriptor.tag.slice(STORAGE_TYPE_TAG_PREFIX.length) as CheckpointDType;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || key.includes('/')) {
    throw bad(`its key is ${describePyValue(key)}, not a short name without "/".`, pid);
  }
  if (typeof location !== 'string') throw bad(`its location is ${describePyValue(location)}, not a string.`, pid);
  const entryName = `${archive.prefix}/data/${key}`;
  const entry = archive.storageEntry(key);
  if (entry === undefined) {
    throw torchError('TORCH_STORAGE_MISSING', `The checkpoint's pickle refers to storage "${key}" but the archive has no "${entryName}" entry.`, {
      key,
      entry: entryName,
    });
  }
  const elementBytes = CHECKPOINT_DTYPE_BYTES[dtype];
  const claimed = typeof numel === 'bigint' ? numel * BigInt(elementBytes) : typeof numel === 'number' ? BigInt(numel) * BigInt(elementBytes) : undefined;
  if (claimed === undefined || (typeof numel === 'number' && !Number.isSafeInteger(numel)) || claimed < 0n) {
    throw bad(`its element count is ${describePyValue(numel)}, not a non-negative integer.`, pid);
  }
  if (claimed > BigInt(entry.size)) {
    throw torchError(
      'TORCH_STORAGE_OVERRUN',
      `Storage "${key}" claims ${String(numel)} ${dtype} elements (${String(claimed)} bytes) but its entry "${entryName}" holds only ${String(entry.size)} bytes.`,
      { key, dtype, numel: String(numel), claimedBytes: String(claimed), entryBytes: entry.size },
    );
  }
  // Validate the local header and refuse compression now, before any tensor is used.
  archive.zip.dataOffset(entry);
  return { key, dtype, location, numel: Number(numel), byteLength: Number(claimed), entry };
}
