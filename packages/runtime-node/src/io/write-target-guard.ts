import { lstat, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { BUNDLE_FORMAT, BUNDLE_MANIFEST_FILE, IoError } from '@clipseg/core';
import { shortened, toIoError } from './node-io-error.js';
import { readFileBounded } from './read-file-bounded.js';

/**
 * The kinds of folder this toolkit writes, and so may replace when asked to (`--force`):
 *
 * - `bundle`: an ONNX bundle, recognised by its `manifest.json` (a regular file whose `format` is
 *   `clipseg-onnx-bundle`, as `@clipseg/convert` writes it);
 * - `random-checkpoint`: a checkpoint written by `clipseg init-random`;
 * - `single-layout`: a folder written by `clipseg convert --layout single`;
 * - `finetuned-checkpoint`: a checkpoint written by `clipseg finetune`.
 *
 * All but bundles carry {@link OUTPUT_MARKER_FILE}, whose `kind` names them.
 */
export type OwnedDirectoryKind = 'bundle' | 'random-checkpoint' | 'single-layout' | 'finetuned-checkpoint';

/** File written into the folders of every kind but `bundle`, so that `--force` knows them. */
export const OUTPUT_MARKER_FILE = 'clipseg-output.json';
/** The `format` field of {@link OUTPUT_MARKER_FILE}. */
export const OUTPUT_MARKER_FORMAT = 'clipseg-output';

/** Largest manifest or marker read to recognise a folder (a real manifest is a few kB). */
const MAX_MARKER_BYTES = 4 << 20;

const DESCRIPTIONS: Record<OwnedDirectoryKind, string> = {
  bundle: `a CLIPSeg bundle (it has no ${BUNDLE_MANIFEST_FILE} of format '${BUNDLE_FORMAT}')`,
  'random-checkpoint': `a checkpoint written by 'clipseg init-random' (it has no ${OUTPUT_MARKER_FILE} saying so)`,
  'single-layout': `a folder written by 'clipseg convert --layout single' (it has no ${OUTPUT_MARKER_FILE} saying so)`,
  'finetuned-checkpoint': `a checkpoint written by 'clipseg finetune' (it has no ${OUTPUT_MARKER_FILE} saying so)`,
};

/** The bytes of {@link OUTPUT_MARKER_FILE} for a folder of `kind`, written by `createdBy` (e.g. `clipseg init-random`). */
export function outputMarker(kind: Exclude<OwnedDirectoryKind, 'bundle'>, createdBy: string): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify({ format: OUTPUT_MARKER_FORMAT, kind, createdBy }, null, 2)}\n`);
}

async function jsonField(path: string, field: string): Promise<unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(await readFileBounded(path, { maxBytes: MAX_MARKER_BYTES })));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  } catch {
    return undefined; // missing, not a regular file, too large, not JSON: not ours
  }
}

/** Which of our kinds of folder `dir` is, or `undefined` when it is none (or not a folder). */
export async function ownedDirectoryKind(dir: string): Promise<OwnedDirectoryKind | undefined> {
  if ((await jsonField(join(dir, BUNDLE_MANIFEST_FILE), 'format')) === BUNDLE_FORMAT) return 'bundle';
  const marker = join(dir, OUTPUT_MARKER_FILE);
  if ((await jsonField(marker, 'format')) !== OUTPUT_MARKER_FORMAT) return undefined;
  const kind = await jsonField(marker, 'kind');
  return kind === 'random-checkpoint' || kind === 'single-layout' || kind === 'finetuned-checkpoint' ? kind : undefined;
}

/** What a write may replace: see {@link checkReplaceable}. */
export interface ReplaceRule {
  /** Replace an existing folder at all (`--force`). */
  readonly force?: boolean;
  /** The kind of folder being written; only an existing folder of this kind is replaced. Default `bundle`. */
  readonly kind?: OwnedDirectoryKind;
  /** Folders that must survive (the source being converted): the target may be none of them and hold none of them. */
  readonly keep?: readonly string[];
}

async function real(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/**
 * Checks that writing a folder at `target` loses nothing that is not ours: passes when nothing is there; refuses an
 * existing target without `force`, one that is not a folder, one that is (or holds) a folder of `keep` (compared
 * by real path, so links and `..` do not hide it), and one that is not of our `kind` (see
 * {@link OwnedDirectoryKind}).
 *
 * @throws {@link IoError} `IO_TARGET_EXISTS` when the target may not be replaced
 */
export async function checkReplaceable(target: string, rule: ReplaceRule = {}): Promise<void> {
  const dir = resolve(target);
  const shown = shortened(dir);
  const exists = await lstat(dir).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw toIoError(error, `Examining "${shown}"`, dir, 'IO_WRITE_FAILED');
    },
  );
  if (!exists) return;
  const refuse = (why: string) => new IoError('IO_TARGET_EXISTS', `${shown} ${why}`, { details: { path: dir } });
  if (!rule.force) throw refuse('already exists; choose another folder or pass --force to replace it.');
  const resolved = await real(dir);
  if (!(await stat(resolved).then((s) => s.isDirectory(), () => false))) throw refuse('exists and is not a folder; refusing to replace it even with --force. Remove it yourself or choose another folder.');
  for (const kept of rule.keep ?? []) {
    const k = await real(kept);
    if (k === resolved || k.startsWith(resolved.endsWith(sep) ? resolved : `${resolved}${sep}`)) {
      throw refuse(`${k === resolved ? 'is' : 'holds'} the source ${shortened(k)}; refusing to replace it even with --force. Choose another output folder.`);
    }
  }
  const kind = rule.kind ?? 'bundle';
  if ((await ownedDirectoryKind(resolved)) !== kind) {
    throw refuse(`is not ${DESCRIPTIONS[kind]}; --force replaces only such a folder written by clipseg. Remove it yourself or choose another folder.`);
  }
}
