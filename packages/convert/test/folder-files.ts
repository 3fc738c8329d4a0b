import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file of a folder, read into memory (for core's memoryFileSet in tests). */
export function folderFiles(dir: string, exclude: readonly string[] = []): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir)) {
    if (!exclude.includes(name)) files[name] = new Uint8Array(readFileSync(join(dir, name)));
  }
  return files;
}
