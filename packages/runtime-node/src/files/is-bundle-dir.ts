import { lstat, stat } from 'node:fs/promises';
import { BUNDLE_MANIFEST_FILE, BundleError } from '@clipseg/core';
import { joinInside } from '../io/checked-join.js';

/** What is at `dir/name`: nothing, a regular file (through links), or something else (a FIFO, a folder, a device, a dangling link). */
export async function entryKind(dir: string, name: string): Promise<'none' | 'file' | 'other'> {
  const path = joinInside(dir, name, 'the file name');
  if (!(await lstat(path).then(() => true, () => false))) return 'none';
  return (await stat(path).then((s) => s.isFile(), () => false)) ? 'file' : 'other';
}

/**
 * True when `dir` is a bundle folder: it holds a {@link BUNDLE_MANIFEST_FILE} (`manifest.json`) that is a regular
 * file; false when it holds none (or `dir` does not exist). A `manifest.json` that is a FIFO, a folder, a device or a
 * dangling link makes a broken bundle: reported as such, never taken for a checkpoint or silently rebuilt. The one
 * manifest check of `loadCLIPSeg`, the CLI's `--model`, its default model and `clipseg pull`.
 *
 * @throws {@link BundleError} `BUNDLE_MANIFEST_INVALID` for a manifest that is not a regular file
 */
export async function isBundleDir(dir: string): Promise<boolean> {
  const kind = await entryKind(dir, BUNDLE_MANIFEST_FILE);
  if (kind === 'other') {
    throw new BundleError(
      'BUNDLE_MANIFEST_INVALID',
      `${dir} is a broken bundle: its ${BUNDLE_MANIFEST_FILE} is not a regular file (a folder, a FIFO, a device or a dangling link). Remove the folder, then convert or pull the model again.`,
      { details: { path: dir } },
    );
  }
  return kind === 'file';
}
