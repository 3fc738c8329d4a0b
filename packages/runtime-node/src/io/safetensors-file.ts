import { safetensorsChunks, SafetensorsReader } from '@clipseg/core';
import type { SafetensorsInput, SafetensorsReadOptions } from '@clipseg/core';
import { openFileSource } from './file-source.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Opens a safetensors file on disk for lazy reading: only the header is read
 * now, tensors when asked for. Close the reader when done (it closes the
 * file). If the header is invalid, the file is closed before the error is
 * thrown.
 *
 * @param path - the `.safetensors` file
 * @param options - header size limit
 * @throws `IoError` when the file cannot be opened, `SafetensorsError` when it is malformed
 */
export async function openSafetensorsFile(path: string, options?: SafetensorsReadOptions): Promise<SafetensorsReader> {
  const source = await openFileSource(path);
  try {
    return await SafetensorsReader.open(source, options);
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Options of {@link writeSafetensorsFile}. */
export interface WriteSafetensorsFileOptions {
  /** `fsync` before the rename. Default `true`. */
  readonly fsync?: boolean;
  /** Aborts the write between tensors; nothing is left behind. */
  readonly signal?: AbortSignal;
  /** Called after the header and after each tensor with the bytes written so far and the file's total size. */
  readonly onProgress?: (bytesWritten: number, totalBytes: number) => void;
}

/**
 * Writes tensors to a safetensors file, streaming tensor by tensor (no buffer
 * of the file's size) into a temporary file in the same directory that is
 * renamed into place at the end, so `path` is never left partially written.
 * The layout is the reference library's (see `planSafetensors` in core).
 * Inputs are validated before the temporary file is created.
 *
 * @param path - destination `.safetensors` file
 * @param tensors - name → `Tensor` or `RawSafetensor`
 * @param metadata - optional string → string `__metadata__`
 * @param options - fsync, abort signal, progress callback
 * @throws `SafetensorsError` `SAFETENSORS_INPUT_INVALID` on bad inputs, `IoError` when the file system fails
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, SafetensorsInput>>,
  metadata?: Readonly<Record<string, string>>,
  options: WriteSafetensorsFileOptions = {},
): Promise<void> {
  const chunks = safetensorsChunks(tensors, metadata);
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const { onProgress } = options;
  await writeFileAtomic(path, chunks, {
    fsync: options.fsync,
    signal: options.signal,
    onProgress: onProgress && ((written) => onProgress(written, total)),
  });
}
