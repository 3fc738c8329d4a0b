import { bytesSource, type ByteSource } from '../io/byte-source.js';

/**
 * Read access to a set of named files (a checkpoint or bundle directory, a
 * folder the user picked, files served over HTTP). Runtimes implement it;
 * core's loaders only see names.
 */
export interface FileSet {
  /** A human-readable location for messages (a path, a URL). */
  readonly location: string;
  /** The file's bytes, or `undefined` when it does not exist. */
  readBytes(name: string): Promise<Uint8Array | undefined>;
  /**
   * Random access to a (large) file without reading it whole, or `undefined`
   * when it does not exist. Optional: {@link openSource} falls back to `readBytes`.
   */
  open?(name: string): Promise<ByteSource | undefined>;
  /**
   * The file's path on the local file system, when it has one (it may not exist). Optional: with a backend that
   * reads files itself ({@link Backend.readsFilePaths}, onnxruntime-node), graphs are then loaded from the path
   * instead of being read into memory first.
   */
  filePath?(name: string): string | undefined;
}

/** Opens a file of a {@link FileSet} for random access (lazily where the set supports it). */
export async function openSource(files: FileSet, name: string): Promise<ByteSource | undefined> {
  if (files.open) return files.open(name);
  const bytes = await files.readBytes(name);
  return bytes === undefined ? undefined : bytesSource(bytes);
}

/** Reads a file as UTF-8 text, or `undefined` when it does not exist. */
export async function readText(files: FileSet, name: string): Promise<string | undefined> {
  const bytes = await files.readBytes(name);
  return bytes === undefined ? undefined : new TextDecoder('utf-8').decode(bytes);
}

/** A {@link FileSet} over in-memory files, for tests and browser uploads. */
export function memoryFileSet(files: Readonly<Record<string, Uint8Array | string>>, location = 'memory'): FileSet {
  return {
    location,
    async readBytes(name) {
      const file = files[name];
      if (file === undefined) return undefined;
      return typeof file === 'string' ? new TextEncoder().encode(file) : file;
    },
  };
}
