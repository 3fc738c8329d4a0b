import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BundleError, CLIPSeg, type Backend, type CLIPSegLoadOptions } from '@clipseg/core';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { createNodeBackend } from '../backend/onnxruntime-node-backend.js';
import { directoryFileSet } from '../files/directory-file-set.js';
import { isBundleDir } from '../files/is-bundle-dir.js';

/** A CLIPSeg pipeline over Node images (`RasterImage`, e.g. from `decodeImage`). */
export type NodeCLIPSeg = CLIPSeg<RasterImage, PromptMask>;

/** Options of {@link loadCLIPSeg}. */
export interface LoadCLIPSegOptions extends Omit<CLIPSegLoadOptions<RasterImage, PromptMask>, 'images'> {
  /** The backend; default `createNodeBackend()` (onnxruntime-node, CPU unless `sessionOptions.executionProviders` says otherwise). */
  readonly backend?: Backend;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Loads a converted bundle folder into a ready pipeline on onnxruntime-node,
 * with `@clipseg/processor`'s Pillow-exact pre-processing and visual-prompt engineering.
 *
 * @example
 * ```ts
 * const seg = await loadCLIPSeg('./rd64.bundle');
 * const result = await seg.segmentImage(await decodeImage('photo.jpg'), ['a cat', 'the sofa']);
 * ```
 * @throws `BundleError` (`BUNDLE_NOT_FOUND` — with a hint when the folder is an unconverted checkpoint —,
 * `BUNDLE_MANIFEST_INVALID` for a `manifest.json` that is not a regular file, `BUNDLE_FILE_MISSING`,
 * `BUNDLE_INTEGRITY`, `BUNDLE_VERSION_UNSUPPORTED`), `PipelineError`, `BackendError`.
 */
export async function loadCLIPSeg(bundleDir: string, options: LoadCLIPSegOptions = {}): Promise<NodeCLIPSeg> {
  const dir = resolve(bundleDir);
  if (!(await isBundleDir(dir))) {
    const checkpoint = await exists(join(dir, 'config.json'));
    throw new BundleError(
      'BUNDLE_NOT_FOUND',
      checkpoint
        ? `${dir} is an HF checkpoint, not a converted bundle: run 'clipseg convert ${bundleDir} OUT_DIR' and pass OUT_DIR.`
        : `${dir} is not a CLIPSeg bundle (no manifest.json); pass a folder written by 'clipseg convert'.`,
    );
  }
  const { backend = createNodeBackend(options.onWarning ? { onWarning: options.onWarning } : {}), ...rest } = options;
  return CLIPSeg.load<RasterImage, PromptMask>(directoryFileSet(dir), backend, { ...rest, images: rasterImageAdapter });
}
