import type { FileSet } from '@clipseg/core';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openFileSource } from '../io/file-source.js';

function missing(error: unknown): boolean {
  const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
  return errno(error) === 'ENOENT' || errno((error as { cause?: unknown }).cause) === 'ENOENT';
}

/**
 * A core `FileSet` over a directory on disk; `open` reads large files lazily through a file handle, and `filePath`
 * lets onnxruntime-node load graphs from disk itself.
 */
export function directoryFileSet(dir: string): FileSet {
  const root = resolve(dir);
  return {
    location: root,
    async readBytes(name) {
      try {
        return new Uint8Array(await readFile(join(root, name)));
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    filePath(name) {
      return join(root, name);
    },
    async open(name) {
      try {
        return await openFileSource(join(root, name));
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
  };
}
