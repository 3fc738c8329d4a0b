import { isCLIPSegError, type FileSet } from '@clipseg/core';
import { resolve } from 'node:path';
import { joinInside } from '../io/checked-join.js';
import { openFileSource } from '../io/file-source.js';
import { readFileBounded } from '../io/read-file-bounded.js';
import { maxReadBytes } from './read-limits.js';

function missing(error: unknown): boolean {
  if (isCLIPSegError(error, 'IO_NOT_FOUND')) return true;
  const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
  return errno(error) === 'ENOENT' || errno((error as { cause?: unknown }).cause) === 'ENOENT';
}

/**
 * A core `FileSet` over a directory on disk. Names (from a manifest, a shard index, a loader) are joined with
 * `joinInside`, so none leaves the folder. `readBytes` reads only regular files (a FIFO, a device such as a
 * symlink to `/dev/zero`, or a folder is refused with `IO_NOT_A_FILE`) and at most the limit for the file's kind
 * (`maxReadBytes`: 4 MiB for configs, 64 MiB for vocabularies, just under 4 GiB otherwise; `IO_TOO_LARGE`
 * beyond); `open` reads large files lazily through a file handle (regular files only); `filePath` lets
 * onnxruntime-node load graphs from disk itself.
 */
export function directoryFileSet(dir: string): FileSet {
  const root = resolve(dir);
  return {
    location: root,
    async readBytes(name) {
      const path = joinInside(root, name, 'the file name');
      try {
        return await readFileBounded(path, { maxBytes: maxReadBytes(name), what: `${name} in ${root}` });
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    filePath(name) {
      return joinInside(root, name, 'the file name');
    },
    async open(name) {
      const path = joinInside(root, name, 'the file name');
      try {
        return await openFileSource(path);
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
  };
}
