import type { FileSet } from '@clipseg/core';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A core `FileSet` over a directory on disk. */
export function directoryFileSet(dir: string): FileSet {
  const root = resolve(dir);
  return {
    location: root,
    async readBytes(name) {
      try {
        return new Uint8Array(await readFile(join(root, name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
