import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_GRAPH_NAMES,
  BUNDLE_MANIFEST_FILE,
  CLIPSegConfig,
  ViTImageProcessorConfig,
  loadTokenizer,
  readText,
  sha256Hex,
  type AbortSignalLike,
  type Backend,
  type BundleFileEntry,
  type BundleGraphEntry,
  type BundleGraphName,
  type BundleManifest,
  type FileSet,
  type ImageSize,
} from '@clipseg/core';
import { openCheckpoint } from '../checkpoint/open-checkpoint.js';
import { buildGraphs, checkImageSize, type BuildGraphsProgress } from '../graphs/build-graphs.js';
import { ConvertError } from '../graphs/convert-error.js';
import type { WeightDType } from '../graphs/weight-store.js';
import { hashFile } from './hash-file.js';
import { validateGraphs } from './validate-graphs.js';

/** The converter's name and version, written into manifests and ONNX producer fields. */
export const CONVERTER_ID = '@clipseg/convert 0.0.0';

/** The tokenizer files a bundle copies from the checkpoint, when present. */
export const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

/**
 * The preprocessor config used when a checkpoint ships none: CIDAS/clipseg-rd64-refined's
 * (352×352, bilinear, ImageNet mean/std).
 */
export const CIDAS_PREPROCESSOR_CONFIG = {
  do_resize: true,
  size: { height: 352, width: 352 },
  resample: 2,
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_std: [0.229, 0.224, 0.225],
  image_processor_type: 'ViTImageProcessor',
  processor_class: 'CLIPSegProcessor',
} as const;

/** A step of {@link convertCheckpoint}, for progress bars. */
export type ConvertProgress =
  | { readonly phase: 'hash'; readonly file: string; readonly index: number; readonly count: number }
  | ({ readonly phase: 'graphs' } & BuildGraphsProgress)
  | { readonly phase: 'validate'; readonly graph: BundleGraphName; readonly index: number; readonly count: number };

/** Options of {@link convertCheckpoint}. */
export interface ConvertOptions {
  /** How weights are stored: `fp32` (default) or `fp16` (stored in fp16, computed in fp32). */
  readonly dtype?: WeightDType;
  /** Image size the vision graphs take; default the checkpoint's preprocessor size (352 for CIDAS). */
  readonly imageSize?: ImageSize | number;
  /** Receives progress events. */
  readonly onProgress?: (progress: ConvertProgress) => void;
  /** When given, each graph is loaded in this backend and its I/O checked against its contract. */
  readonly validateWith?: Backend;
  /** Hashes a checkpoint file (e.g. with node:crypto); default streams it through core's SHA-256. */
  readonly hashSourceFile?: (name: string) => Promise<{ bytes: number; sha256: string } | undefined>;
  /** Hashes in-memory bytes; default core's SHA-256. */
  readonly sha256?: (data: Uint8Array) => string | Promise<string>;
  /** Cancels between steps. */
  readonly signal?: AbortSignalLike;
}

/** The files of a converted bundle, ready to write, and its manifest. */
export interface ConvertedBundle {
  /** The manifest (also serialised as `files.get('manifest.json')`). */
  readonly manifest: BundleManifest;
  /** Bundle-relative path → bytes, manifest included. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

function checkAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new ConvertError('CONVERT_ABORTED', 'The conversion was cancelled.', { cause: signal.reason });
}

function normaliseSize(size: ImageSize | number | undefined): ImageSize | undefined {
  if (size === undefined) return undefined;
  return typeof size === 'number' ? { height: size, width: size } : size;
}

/**
 * Converts an HF CLIPSeg checkpoint folder (`config.json`, weights as
 * `model.safetensors`, sharded safetensors or `pytorch_model.bin`, tokenizer
 * files, optional `preprocessor_config.json`) into an ONNX bundle: four graphs,
 * the HF files, and `manifest.json` with sizes, SHA-256s and every graph's
 * I/O contract. Runs anywhere (no `node:` imports): writing the files is the caller's job.
 *
 * @throws `ConfigError` for a bad config, `TokenizerError`/`TokenizerFilesError`
 * for bad tokenizer files, `CheckpointError`/`SafetensorsError`/`TorchCheckpointError`
 * for unreadable weights, {@link ConvertError} for weights that do not fit the config,
 * bad options, graphs that fail validation, or cancellation.
 */
export async function convertCheckpoint(files: FileSet, options: ConvertOptions = {}): Promise<ConvertedBundle> {
  const sha = options.sha256 ?? sha256Hex;
  const out = new Map<string, Uint8Array>();
  const entry = async (path: string, bytes: Uint8Array): Promise<BundleFileEntry> => {
    out.set(path, bytes);
    return { path, bytes: bytes.byteLength, sha256: await sha(bytes) };
  };

  const configBytes = await files.readBytes('config.json');
  if (!configBytes) throw new ConvertError('CONVERT_MISSING_FILE', `${files.location} has no config.json; an HF checkpoint folder needs it.`);
  const config = CLIPSegConfig.fromJSON(new TextDecoder().decode(configBytes));

  const preprocessorText = await readText(files, 'preprocessor_config.json');
  const preprocessor = ViTImageProcessorConfig.fromJSON(preprocessorText ?? CIDAS_PREPROCESSOR_CONFIG);
  const imageSize = normaliseSize(options.imageSize) ?? preprocessor.size;
  checkImageSize(config, imageSize);
  const sameSize = imageSize.height === preprocessor.size.height && imageSize.width === preprocessor.size.width;
  const preprocessorBytes =
    preprocessorText !== undefined && sameSize
      ? (await files.readBytes('preprocessor_config.json'))!
      : new TextEncoder().encode(`${JSON.stringify({ ...preprocessor.toDict(), size: { ...imageSize } }, null, 2)}\n`);

  await loadTokenizer(files); // refuses missing or malformed tokenizer files before the long part
  const tokenizerFiles: [string, Uint8Array][] = [];
  for (const name of TOKENIZER_FILES) {
    const bytes = await files.readBytes(name);
    if (bytes) tokenizerFiles.push([name, bytes]);
  }
  checkAborted(options.signal);

  const checkpoint = await openCheckpoint(files);
  let built;
  const sourceFiles: BundleFileEntry[] = [];
  try {
    const hashSource = options.hashSourceFile ?? ((name: string) => hashFile(files, name));
    const toHash = ['config.json', ...checkpoint.files];
    for (const [index, name] of toHash.entries()) {
      options.onProgress?.({ phase: 'hash', file: name, index, count: toHash.length });
      const h = await hashSource(name);
      if (h) sourceFiles.push({ path: name, ...h });
      checkAborted(options.signal);
    }
    built = await buildGraphs(config, checkpoint.reader, {
      imageSize,
      dtype: options.dtype ?? 'fp32',
      producerVersion: CONVERTER_ID,
      onProgress: (p) => options.onProgress?.({ phase: 'graphs', ...p }),
    });
  } finally {
    await checkpoint.reader.close();
  }
  checkAborted(options.signal);

  if (options.validateWith) {
    await validateGraphs(options.validateWith, built, (graph, index, count) => options.onProgress?.({ phase: 'validate', graph, index, count }));
  }

  const graphs = {} as Record<BundleGraphName, BundleGraphEntry>;
  for (const name of BUNDLE_GRAPH_NAMES) {
    const contract = built.contracts.find((c) => c.name === name)!;
    graphs[name] = { ...(await entry(`${name}.onnx`, built.graphs[name])), inputs: contract.inputs, outputs: contract.outputs };
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdBy: CONVERTER_ID,
    source: { files: sourceFiles },
    dtype: options.dtype ?? 'fp32',
    imageSize: { ...imageSize },
    graphs,
    files: {
      config: await entry('config.json', configBytes),
      preprocessor: await entry('preprocessor_config.json', preprocessorBytes),
      tokenizer: await Promise.all(tokenizerFiles.map(([name, bytes]) => entry(name, bytes))),
    },
  };
  out.set(BUNDLE_MANIFEST_FILE, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { manifest, files: out };
}
