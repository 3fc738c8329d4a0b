import type { AbortSignalLike } from '../backend/backend.js';
import { sha256Hex } from '../io/sha256.js';
import { openSource, type FileSet } from '../loading/file-set.js';
import { PipelineError } from '../pipeline/pipeline-error.js';
import { BundleError } from './bundle-error.js';
import { parseBundleManifest, type BundleFileEntry, type BundleManifest } from './bundle-manifest.js';
import { BUNDLE_MANIFEST_FILE } from './graph-names.js';

/**
 * How much opening a bundle (`CLIPSeg.load`, `HFBundle.load`) checks its files against `manifest.json`: `'none'`
 * only that they exist, `'size'` (default) also their byte counts, `'sha256'` also their SHA-256 (reads and hashes
 * every file, including the lazily loaded image_projector, at load time).
 */
export type BundleVerification = 'none' | 'size' | 'sha256';

/** The values of {@link BundleVerification}. */
export const BUNDLE_VERIFICATIONS: readonly BundleVerification[] = Object.freeze(['none', 'size', 'sha256'] as const);

/** Throws {@link PipelineError} `PIPELINE_ABORTED` when `signal` has aborted. @internal */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new PipelineError('PIPELINE_ABORTED', 'The operation was aborted.', { cause: signal.reason });
}

/**
 * Reads and parses `manifest.json`.
 *
 * @throws {@link BundleError} `BUNDLE_NOT_FOUND` when there is none, or what {@link parseBundleManifest} throws
 */
export async function readManifest(files: FileSet): Promise<BundleManifest> {
  const bytes = await files.readBytes(BUNDLE_MANIFEST_FILE);
  if (bytes === undefined) {
    throw new BundleError(
      'BUNDLE_NOT_FOUND',
      `${files.location} has no ${BUNDLE_MANIFEST_FILE}: it is not a CLIPSeg ONNX bundle. Convert a checkpoint with 'clipseg convert', or point at the bundle folder.`,
      { details: { location: files.location } },
    );
  }
  return parseBundleManifest(new TextDecoder('utf-8').decode(bytes));
}

function missing(files: FileSet, entry: BundleFileEntry): BundleError {
  return new BundleError(
    'BUNDLE_FILE_MISSING',
    `${files.location}/${entry.path} is missing, though manifest.json lists it. The bundle is incomplete: copy the whole folder again or re-convert.`,
    { details: { path: entry.path } },
  );
}

function checkSize(files: FileSet, entry: BundleFileEntry, size: number): void {
  if (size !== entry.bytes) {
    throw new BundleError(
      'BUNDLE_INTEGRITY',
      `${files.location}/${entry.path} has ${size} bytes, but manifest.json says ${entry.bytes}: the file is truncated or replaced. Re-download or re-convert the bundle.`,
      { details: { path: entry.path, expected: entry.bytes, actual: size } },
    );
  }
}

/**
 * Checks `bytes` (the content of `entry`) as `verify` says.
 *
 * @throws {@link BundleError} `BUNDLE_INTEGRITY`
 */
export function verifyBytes(files: FileSet, entry: BundleFileEntry, bytes: Uint8Array, verify: BundleVerification): void {
  if (verify === 'none') return;
  checkSize(files, entry, bytes.byteLength);
  if (verify !== 'sha256') return;
  const digest = sha256Hex(bytes);
  if (digest !== entry.sha256) {
    throw new BundleError(
      'BUNDLE_INTEGRITY',
      `${files.location}/${entry.path} has SHA-256 ${digest}, but manifest.json says ${entry.sha256}: the file is corrupt or replaced. Re-download or re-convert the bundle.`,
      { details: { path: entry.path, expected: entry.sha256, actual: digest } },
    );
  }
}

/**
 * Reads one file of the bundle and verifies it.
 *
 * @throws {@link BundleError} `BUNDLE_FILE_MISSING` or `BUNDLE_INTEGRITY`
 */
export async function readVerified(files: FileSet, entry: BundleFileEntry, verify: BundleVerification): Promise<Uint8Array> {
  const bytes = await files.readBytes(entry.path);
  if (bytes === undefined) throw missing(files, entry);
  verifyBytes(files, entry, bytes, verify);
  return bytes;
}

/**
 * Checks that a file exists and matches `entry` without keeping it: through random access for `'none'` and
 * `'size'` (no full read where the file set supports `open`), by reading and hashing it for `'sha256'`.
 *
 * @throws {@link BundleError} `BUNDLE_FILE_MISSING` or `BUNDLE_INTEGRITY`
 */
export async function checkFile(files: FileSet, entry: BundleFileEntry, verify: BundleVerification): Promise<void> {
  if (verify === 'sha256') {
    await readVerified(files, entry, verify);
    return;
  }
  const source = await openSource(files, entry.path);
  if (source === undefined) throw missing(files, entry);
  try {
    if (verify === 'size') checkSize(files, entry, source.size);
  } finally {
    await source.close?.();
  }
}
