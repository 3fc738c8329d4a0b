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
  writeSafetensors,
  type AbortSignalLike,
  type AnyBundleGraphName,
  type Backend,
  type BundleFileEntry,
  type BundleGraphEntry,
  type BundleManifest,
  type BundleOptionalGraphName,
  type FileSet,
  type ImageSize,
} from '@clipseg/core';
import { POSITION_EMBEDDINGS_TENSOR } from '@clipseg/core/bundle';
import type { CheckpointReader } from '../checkpoint/checkpoint-reader.js';
import { openCheckpoint } from '../checkpoint/open-checkpoint.js';
import { buildGraphs, checkImageSize, checkOptionalGraphs, type AttentionKind, type BuildGraphsProgress } from '../graphs/build-graphs.js';
import { VISION_PREFIX } from '../graphs/expected-parameters.js';
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
  | { readonly phase: 'validate'; readonly graph: AnyBundleGraphName; readonly index: number; readonly count: number };

/** File name of the position-embedding table written with the `vision_model` graph. */
export const POSITION_EMBEDDINGS_FILE = 'vision_position_embedding.safetensors';

/** Options of {@link convertCheckpoint}. */
export interface ConvertOptions {
  /** How weights are stored: `fp32` (default), `fp16` (stored in fp16, computed in fp32) or `int8` (see `buildGraphs`). */
  readonly dtype?: WeightDType;
  /** The decoder's attention: `standard` (default, plain ONNX) or `fused` (faster on CPU, not for WebGPU); see `buildGraphs`. */
  readonly attention?: AttentionKind;
  /** Image size the vision graphs take; default the checkpoint's preprocessor size (352 for CIDAS). */
  readonly imageSize?: ImageSize | number;
  /**
   * Optional graphs to add for the HF model classes of `@clipseg/core/hf` (`text_model`, `vision_model`,
   * `decoder_hidden_states`; see `BUNDLE_OPTIONAL_GRAPH_NAMES`). Default none: the bundle then serves the
   * segmentation pipeline and most of the HF classes. Each optional graph carries its own copy of the weights it
   * uses (for rd64-refined in fp32: text_model +254 MB, vision_model +344 MB, decoder_hidden_states +4.5 MB).
   */
  readonly optionalGraphs?: readonly BundleOptionalGraphName[];
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

/** Reads `clip.logit_scale` (a 0-d or `[1]` parameter) from the checkpoint. */
async function readLogitScale(reader: CheckpointReader): Promise<number> {
  const values = await reader.readFloat32('clip.logit_scale');
  const value = values[0];
  if (values.length !== 1 || value === undefined || !Number.isFinite(value)) {
    throw new ConvertError('CONVERT_SHAPE_MISMATCH', `clip.logit_scale must hold one finite number, got ${values.length} value(s).`);
  }
  return value;
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
 * files, optional `preprocessor_config.json`) into an ONNX bundle (format version 2): four graphs (plus the
 * `optionalGraphs` asked for, with the position-embedding table when `vision_model` is among them), the HF files,
 * and `manifest.json` with sizes, SHA-256s, every graph's I/O contract and the checkpoint's `logitScale`.
 * Runs anywhere (no `node:` imports): writing the files is the caller's job.
 *
 * @throws `ConfigError` for a bad config, `TokenizerError`/`TokenizerFilesError`
 * for bad tokenizer files, `CheckpointError`/`SafetensorsError`/`TorchCheckpointError`
 * for unreadable weights, {@link ConvertError} for weights that do not fit the config,
 * bad options, graphs that fail validation, or cancellation.
 */
export async function convertCheckpoint(files: FileSet, options: ConvertOptions = {}): Promise<ConvertedBundle> {
  const sha = options.sha256 ?? sha256Hex;
  const optionalGraphs = checkOptionalGraphs(options.optionalGraphs);
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
  let logitScale: number;
  let positionTable: Float32Array | undefined;
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
      ...(options.attention === undefined ? {} : { attention: options.attention }),
      producerVersion: CONVERTER_ID,
      optionalGraphs,
      onProgress: (p) => options.onProgress?.({ phase: 'graphs', ...p }),
    });
    logitScale = await readLogitScale(checkpoint.reader);
    if (optionalGraphs.includes('vision_model')) positionTable = await checkpoint.reader.readFloat32(`${VISION_PREFIX}.embeddings.position_embedding.weight`);
  } finally {
    await checkpoint.reader.close();
  }
  checkAborted(options.signal);

  if (options.validateWith) {
    await validateGraphs(options.validateWith, built, (graph, index, count) => options.onProgress?.({ phase: 'validate', graph, index, count }));
  }

  const graphs = {} as Record<AnyBundleGraphName, BundleGraphEntry>;
  for (const name of [...BUNDLE_GRAPH_NAMES, ...optionalGraphs]) {
    const contract = built.contracts.find((c) => c.name === name)!;
    graphs[name] = { ...(await entry(`${name}.onnx`, built.graphs[name]!)), inputs: contract.inputs, outputs: contract.outputs };
  }
  let positionEmbeddings: BundleFileEntry | undefined;
  if (positionTable !== undefined) {
    const dims = [positionTable.length / config.vision_config.hidden_size, config.vision_config.hidden_size];
    const bytes = writeSafetensors({ [POSITION_EMBEDDINGS_TENSOR]: { type: 'float32', dims, data: positionTable } }, { format: 'pt', source: 'clip.vision_model.embeddings.position_embedding.weight' });
    positionEmbeddings = await entry(POSITION_EMBEDDINGS_FILE, bytes);
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdBy: CONVERTER_ID,
    source: { files: sourceFiles },
    dtype: options.dtype ?? 'fp32',
    imageSize: { ...imageSize },
    logitScale,
    graphs,
    files: {
      config: await entry('config.json', configBytes),
      preprocessor: await entry('preprocessor_config.json', preprocessorBytes),
      tokenizer: await Promise.all(tokenizerFiles.map(([name, bytes]) => entry(name, bytes))),
      ...(positionEmbeddings === undefined ? {} : { positionEmbeddings }),
    },
  };
  out.set(BUNDLE_MANIFEST_FILE, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { manifest, files: out };
}
