import { lstat, readdir, realpath, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { IoError } from '@clipseg/core';
import { writeFileAtomic } from '@clipseg/runtime-node';
import { joinInside, readFileBounded, toIoError } from '@clipseg/runtime-node/io';
import { folderBytes } from '../hub/hub-cache.js';

/** Name of a converted checkpoint's folder below the cache's `converted/`: the first 20 hex of its key's sha256. */
export const CONVERTED_KEY = /^[0-9a-f]{20}$/;
/** Longest source record read back; a record is a short JSON object, so anything larger is not one of ours. */
const MAX_RECORD_BYTES = 16 * 1024;
/** Longest source path taken from a record. */
const MAX_SOURCE_CHARS = 4096;

/** One checkpoint folder converted into the cache by `--model CHECKPOINT_DIR`, as {@link listConverted} reports it. */
export interface ConvertedCheckpoint {
  /** The folder name below `converted/` (20 hex characters). */
  readonly key: string;
  /** The bundle folder. */
  readonly dir: string;
  /** The checkpoint folder it was converted from, as recorded; `undefined` when no readable record is there. */
  readonly source: string | undefined;
  /** Size of the bundle on disk. */
  readonly bytes: number;
}

const convertedRoot = (cacheDir: string) => join(cacheDir, 'converted');
const recordFile = (cacheDir: string, key: string) => joinInside(convertedRoot(cacheDir), `${key}.source.json`, 'the record name');

/**
 * Records beside the converted bundle `converted/KEY` which checkpoint folder it came from
 * (`converted/KEY.source.json`: `{"source": "/abs/checkpoint"}`), written atomically.
 */
export async function writeConvertedRecord(cacheDir: string, key: string, source: string): Promise<void> {
  const text = `${JSON.stringify({ source })}\n`;
  await writeFileAtomic(recordFile(cacheDir, checkKey(key)), [new TextEncoder().encode(text)], { fsync: false });
}

/** Whether the record of `key` is there (as anything: a hostile entry in its place is left alone). */
export async function hasConvertedRecord(cacheDir: string, key: string): Promise<boolean> {
  return (await lstat(recordFile(cacheDir, checkKey(key))).catch(() => undefined)) !== undefined;
}

/**
 * The source a record names, or `undefined` when the record is missing, not a small regular file, not JSON, or
 * has no plain path string: a damaged or hostile record never fails the listing.
 */
async function readSource(cacheDir: string, key: string): Promise<string | undefined> {
  const bytes = await readFileBounded(recordFile(cacheDir, key), { maxBytes: MAX_RECORD_BYTES, what: 'the source record' }).catch(() => undefined);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    const source = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { source?: unknown }).source : undefined;
    return typeof source === 'string' && source.length > 0 && source.length <= MAX_SOURCE_CHARS ? source : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every checkpoint converted into the cache: the real folders (not links) below `converted/` whose name is a key
 * clipseg writes, with their size and recorded source, sorted by key. Anything else there is skipped.
 */
export async function listConverted(cacheDir: string): Promise<ConvertedCheckpoint[]> {
  const entries = await readdir(convertedRoot(cacheDir), { withFileTypes: true }).catch(() => []);
  const out: ConvertedCheckpoint[] = [];
  for (const entry of entries.filter((e) => e.isDirectory() && CONVERTED_KEY.test(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = joinInside(convertedRoot(cacheDir), entry.name, 'the folder name');
    out.push({ key: entry.name, dir, source: await readSource(cacheDir, entry.name), bytes: await folderBytes(dir) });
  }
  return out;
}

/**
 * Removes the converted bundle `converted/KEY` and its record. Only a real folder with a key's name, whose real
 * parent is the cache's `converted/` folder, is removed (a link in its place is removed, not followed). Returns
 * whether a bundle was removed.
 *
 * @throws `IoError` `IO_UNSAFE_PATH` when `converted/` leads elsewhere through a link; `IO_WRITE_FAILED` when the
 * file system refuses
 */
export async function removeConverted(cacheDir: string, key: string): Promise<boolean> {
  const root = convertedRoot(cacheDir);
  const dir = joinInside(root, checkKey(key), 'the folder name');
  const info = await lstat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  try {
    const [realCache, realParent] = await Promise.all([realpath(cacheDir), realpath(dirname(dir))]);
    if (relative(realCache, realParent) !== 'converted') {
      throw new IoError('IO_UNSAFE_PATH', `${root} leads outside the cache ${cacheDir} through a symbolic link; remove it by hand.`, { details: { path: root } });
    }
    await rm(dir, { recursive: true, force: true });
    const record = recordFile(cacheDir, key);
    const recordInfo = await lstat(record).catch(() => undefined);
    if (recordInfo && !recordInfo.isDirectory()) await rm(record, { force: true }); // a file or a link (not followed), never a folder
  } catch (error) {
    if (error instanceof IoError) throw error;
    throw toIoError(error, `Removing converted/${key} from the cache`, dir, 'IO_WRITE_FAILED');
  }
  return true;
}

function checkKey(key: string): string {
  if (!CONVERTED_KEY.test(key)) throw new IoError('IO_UNSAFE_PATH', `${JSON.stringify(key.slice(0, 80))} is not a converted checkpoint's key (20 hex characters).`, { details: { key: key.slice(0, 80) } });
  return key;
}
