import type { FileSet } from '@clipseg/core';
import { fileListFileSet, directoryHandleFileSet } from '../loading/picked-file-set.js';
import { urlFileSet, type UrlFileSetOptions } from '../loading/url-file-set.js';

/**
 * Where a bundle comes from: a URL of its folder, files the user picked (`FileList`, `File[]`), a directory
 * handle, or any core {@link FileSet}.
 */
export type BundleSource = string | URL | FileList | readonly File[] | FileSystemDirectoryHandle | FileSet;

function isFileSet(value: unknown): value is FileSet {
  return typeof value === 'object' && value !== null && typeof (value as FileSet).readBytes === 'function' && typeof (value as FileSet).location === 'string';
}

function isDirectoryHandle(value: unknown): value is FileSystemDirectoryHandle {
  return typeof value === 'object' && value !== null && (value as FileSystemHandle).kind === 'directory' && typeof (value as FileSystemDirectoryHandle).getFileHandle === 'function';
}

/**
 * Turns a {@link BundleSource} into a core {@link FileSet}: URLs through {@link urlFileSet} (with `options`),
 * picked files through {@link fileListFileSet}, directory handles through {@link directoryHandleFileSet}.
 */
export function bundleFileSet(source: BundleSource, options: UrlFileSetOptions = {}): FileSet {
  if (typeof source === 'string' || source instanceof URL) return urlFileSet(source, options);
  if (isFileSet(source)) return source;
  if (isDirectoryHandle(source)) return directoryHandleFileSet(source);
  return fileListFileSet(source as FileList | readonly File[]);
}
