import type { FileSet } from '@clipseg/core';
import { domErrorName, WebLoadError } from '../errors/web-load-error.js';
import { blobSource, readBlob } from './blob-source.js';

/** The path of a picked file inside the picked folder: `webkitRelativePath` without its first segment, else its name. */
function relativeName(file: File, stripTop: boolean): string {
  const path = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
  return stripTop ? path.split('/').slice(1).join('/') : path;
}

/**
 * A core {@link FileSet} over files the user picked: `<input type="file" multiple>` (names as picked) or
 * `<input type="file" webkitdirectory>` (paths inside the picked folder). Large files are read lazily (`open`).
 *
 * @example
 * ```ts
 * input.onchange = async () => {
 *   const seg = await CLIPSeg.load(fileListFileSet(input.files!), createWasmBackend(), { images: rasterImageAdapter });
 * };
 * ```
 */
export function fileListFileSet(files: FileList | readonly File[], location = 'picked files'): FileSet {
  const list = Array.from(files as ArrayLike<File>);
  const paths = list.map((f) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || '');
  const tops = new Set(paths.map((p) => p.split('/')[0]));
  const stripTop = paths.every((p) => p.includes('/')) && tops.size === 1;
  const byName = new Map(list.map((file) => [relativeName(file, stripTop), file]));
  return {
    location,
    async readBytes(name) {
      const file = byName.get(name);
      return file === undefined ? undefined : readBlob(file, `${location}/${name}`);
    },
    async open(name) {
      const file = byName.get(name);
      return file === undefined ? undefined : blobSource(file, `${location}/${name}`);
    },
  };
}

async function fileOf(root: FileSystemDirectoryHandle, name: string, location: string): Promise<File | undefined> {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  try {
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    return await (await dir.getFileHandle(parts.at(-1)!)).getFile();
  } catch (error) {
    const kind = domErrorName(error);
    if (kind === 'NotFoundError' || kind === 'TypeMismatchError') return undefined;
    throw new WebLoadError('WEB_FILE_READ_FAILED', `Could not open ${location}/${name} (${error instanceof Error ? error.message : String(error)}); the folder may have moved or access was revoked. Pick it again.`, {
      cause: error,
    });
  }
}

/**
 * A core {@link FileSet} over a directory handle: `showDirectoryPicker()`, a dropped folder
 * (`DataTransferItem.getAsFileSystemHandle()`), or an OPFS folder. Large files are read lazily (`open`).
 */
export function directoryHandleFileSet(handle: FileSystemDirectoryHandle, location = handle.name): FileSet {
  return {
    location,
    async readBytes(name) {
      const file = await fileOf(handle, name, location);
      return file === undefined ? undefined : readBlob(file, `${location}/${name}`);
    },
    async open(name) {
      const file = await fileOf(handle, name, location);
      return file === undefined ? undefined : blobSource(file, `${location}/${name}`);
    },
  };
}
