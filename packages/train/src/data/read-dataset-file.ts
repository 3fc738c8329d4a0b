import { checkRelativePath, openSource, type FileSet } from '@clipseg/core';
import { readHeaderSize, type HeaderSize } from './image-header-size.js';
import type { ProblemList } from './train-data-error.js';

/**
 * Checks that a name read from a dataset file is a plain relative FileSet name (core's `checkRelativePath`: no
 * `..`, not absolute, no control characters …). Records a problem and returns `false` when it is not.
 */
export function checkDatasetName(name: unknown, problems: ProblemList, file: string, where: string): name is string {
  if (typeof name !== 'string') {
    problems.add(file, `must be a file name (a string), not ${describe(name)}.`, where);
    return false;
  }
  try {
    checkRelativePath(name, 'the file name');
    return true;
  } catch (error) {
    problems.add(file, error instanceof Error ? error.message : String(error), where);
    return false;
  }
}

/** What a JSON value is, for messages, without echoing large values. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `the string ${JSON.stringify(value.slice(0, 40))}…` : `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * Reads a whole dataset file, never more than `maxBytes`: through random access, the size is checked before
 * anything is read; a file set without `open` reads the file and the size is checked afterwards. Records a problem
 * and returns `undefined` when the file is missing, too large or unreadable.
 */
export async function readDatasetFile(files: FileSet, name: string, maxBytes: number, problems: ProblemList): Promise<Uint8Array | undefined> {
  try {
    const source = await openSource(files, name);
    if (source === undefined) {
      problems.add(name, `is missing from ${files.location}.`);
      return undefined;
    }
    try {
      if (source.size > maxBytes) {
        problems.add(name, `is ${source.size} bytes, more than the ${maxBytes} bytes read for a file of its kind.`);
        return undefined;
      }
      const bytes = await source.read(0, source.size);
      if (bytes.length !== source.size) {
        problems.add(name, `was truncated while reading (${bytes.length} of ${source.size} bytes).`);
        return undefined;
      }
      return bytes;
    } finally {
      await source.close?.();
    }
  } catch (error) {
    problems.add(name, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** What {@link checkDatasetFile} learnt about a file that is there. */
export interface CheckedFile {
  /** The size its header states (PNG, JPEG, GIF), when known. */
  readonly size?: HeaderSize;
}

/**
 * Checks that a file exists and is at most `maxBytes` without keeping its bytes, and reads the size its header
 * states ({@link readHeaderSize}). Records a problem and returns `undefined` otherwise.
 */
export async function checkDatasetFile(files: FileSet, name: string, maxBytes: number, problems: ProblemList, referencedFrom: string, where: string): Promise<CheckedFile | undefined> {
  try {
    const source = await openSource(files, name);
    if (source === undefined) {
      problems.add(referencedFrom, `names ${JSON.stringify(name)}, which is missing from ${files.location}.`, where);
      return undefined;
    }
    try {
      if (source.size > maxBytes) {
        problems.add(referencedFrom, `names ${JSON.stringify(name)}, which is ${source.size} bytes, more than the ${maxBytes} bytes allowed for an image.`, where);
        return undefined;
      }
      const size = await readHeaderSize(source);
      return size === undefined ? {} : { size };
    } finally {
      await source.close?.();
    }
  } catch (error) {
    problems.add(referencedFrom, `names ${JSON.stringify(name)}, which cannot be read: ${error instanceof Error ? error.message : String(error)}`, where);
    return undefined;
  }
}

/**
 * Decodes UTF-8 and parses JSON, recording a problem instead of throwing. Strings longer than the engine's maximum
 * (about 512 MiB in V8) fail here too and are reported.
 */
export function parseJsonFile(bytes: Uint8Array, name: string, problems: ProblemList): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    problems.add(name, `is not valid UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
