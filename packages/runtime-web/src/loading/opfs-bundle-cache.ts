import { sha256Hex } from '@clipseg/core';
import { domErrorName } from '../errors/web-load-error.js';
import { cacheError, DEFAULT_CACHE_NAME, type BundleCache } from './bundle-cache.js';

/** Options of {@link opfsBundleCache}. */
export interface OpfsBundleCacheOptions {
  /** Folder in the origin private file system (default {@link DEFAULT_CACHE_NAME}). */
  readonly directory?: string;
  /** The OPFS root (default `navigator.storage.getDirectory()`). */
  readonly root?: () => Promise<FileSystemDirectoryHandle>;
}

const fileName = (key: string) => sha256Hex(new TextEncoder().encode(key));

/**
 * A {@link BundleCache} in the origin private file system (OPFS): files instead of responses, which suits very
 * large graphs. Needs `FileSystemFileHandle.createWritable` (Chromium, Firefox; Safari only in workers).
 */
export function opfsBundleCache(options: OpfsBundleCacheOptions = {}): BundleCache {
  const name = options.directory ?? DEFAULT_CACHE_NAME;
  const description = `OPFS folder '${name}'`;
  const folder = async (action: string): Promise<FileSystemDirectoryHandle> => {
    try {
      const root = options.root ? await options.root() : await (globalThis as { navigator: Navigator }).navigator.storage.getDirectory();
      return await root.getDirectoryHandle(name, { create: true });
    } catch (error) {
      throw cacheError(description, action, error);
    }
  };
  return {
    description,
    async get(key) {
      const dir = await folder('reading');
      let handle: FileSystemFileHandle;
      try {
        handle = await dir.getFileHandle(fileName(key));
      } catch (error) {
        if (domErrorName(error) === 'NotFoundError') return undefined;
        throw cacheError(description, 'reading', error);
      }
      try {
        return new Uint8Array(await (await handle.getFile()).arrayBuffer());
      } catch (error) {
        throw cacheError(description, 'reading', error);
      }
    },
    async put(key, bytes) {
      const action = `storing ${bytes.byteLength} bytes`;
      const dir = await folder(action);
      const temp = `${fileName(key)}.partial`;
      try {
        const handle = await dir.getFileHandle(temp, { create: true });
        const writable = await handle.createWritable();
        try {
          await writable.write(bytes as Uint8Array<ArrayBuffer>);
          await writable.close();
        } catch (error) {
          await writable.abort().catch(() => undefined);
          throw error;
        }
        // Rename into place only once complete, so a reader never sees half a file.
        await (handle as FileSystemFileHandle & { move(name: string): Promise<void> }).move(fileName(key));
      } catch (error) {
        await dir.removeEntry(temp).catch(() => undefined);
        throw cacheError(description, action, error);
      }
    },
    async delete(key) {
      const dir = await folder('deleting');
      try {
        await dir.removeEntry(fileName(key));
        return true;
      } catch {
        return false;
      }
    },
    async clear() {
      try {
        const root = options.root ? await options.root() : await (globalThis as { navigator: Navigator }).navigator.storage.getDirectory();
        await root.removeEntry(name, { recursive: true });
      } catch (error) {
        if (domErrorName(error) !== 'NotFoundError') throw cacheError(description, 'clearing', error);
      }
    },
  };
}
