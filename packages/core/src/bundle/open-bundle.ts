import type { AbortSignalLike } from '../backend/backend.js';
import { CLIPSegConfig } from '../config/clipseg-config.js';
import { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import type { FileSet } from '../loading/file-set.js';
import { loadTokenizer } from '../loading/load-tokenizer.js';
import type { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { checkConsistency } from './bundle-consistency.js';
import { readManifest, readVerified, throwIfAborted, type BundleVerification } from './bundle-files.js';
import type { BundleManifest } from './bundle-manifest.js';

/** Options of {@link openBundle}. */
export interface OpenBundleOptions {
  /** How much to check each file read against `manifest.json` (default `'size'`). */
  readonly verify?: BundleVerification;
  /** Cancels opening; the promise then rejects with `PIPELINE_ABORTED`. */
  readonly signal?: AbortSignalLike;
  /**
   * Further checks of the manifest against the config (the HF classes check their optional graphs), run after the
   * consistency checks and before the tokenizer files are read.
   */
  readonly check?: (manifest: BundleManifest, config: CLIPSegConfig) => void;
}

/** A bundle's manifest, configs and tokenizer, read and checked by {@link openBundle}; no graph loaded. */
export interface OpenedBundle {
  /** `manifest.json`. */
  readonly manifest: BundleManifest;
  /** `config.json`. */
  readonly config: CLIPSegConfig;
  /** `preprocessor_config.json`. */
  readonly preprocessorConfig: ViTImageProcessorConfig;
  /** The tokenizer files. */
  readonly tokenizer: CLIPTokenizer;
}

const utf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);

/**
 * Opens a bundle once for every reader (the pipeline, the HF classes): reads and parses `manifest.json` (format 1
 * or 2), reads `config.json` and `preprocessor_config.json` and verifies them (`verify`), checks that they and the
 * manifest describe one model, runs `check`, verifies the tokenizer files and loads the tokenizer. Reads no graph.
 *
 * @throws `BundleError` (`BUNDLE_NOT_FOUND`, `BUNDLE_FILE_MISSING`, `BUNDLE_INTEGRITY`,
 *   `BUNDLE_VERSION_UNSUPPORTED` …), `ConfigError`, `TokenizerError`, `TokenizerFilesError`, `PipelineError`
 *   `PIPELINE_GRAPH_MISMATCH`, `PIPELINE_BUNDLE_MISMATCH` or `PIPELINE_ABORTED`, and what `check` throws
 */
export async function openBundle(files: FileSet, options: OpenBundleOptions = {}): Promise<OpenedBundle> {
  const { signal } = options;
  const verify = options.verify ?? 'size';
  throwIfAborted(signal);
  const manifest = await readManifest(files);
  const config = CLIPSegConfig.fromJSON(utf8(await readVerified(files, manifest.files.config, verify)));
  const preprocessorConfig = ViTImageProcessorConfig.fromJSON(utf8(await readVerified(files, manifest.files.preprocessor, verify)), {
    numChannels: config.vision_config.num_channels,
  });
  checkConsistency(manifest, config, preprocessorConfig);
  options.check?.(manifest, config);
  for (const entry of manifest.files.tokenizer) await readVerified(files, entry, verify);
  const tokenizer = await loadTokenizer(files);
  throwIfAborted(signal);
  return { manifest, config, preprocessorConfig, tokenizer };
}
