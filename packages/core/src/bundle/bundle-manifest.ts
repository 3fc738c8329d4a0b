import type { ImageSize } from '../config/preprocessor-config.js';
import type { TensorDType } from '../tensor/tensor.js';
import type { DimSpec, TensorSpec } from '../tensor/tensor-spec.js';
import { checkRelativePath } from '../io/safe-path.js';
import { BundleError } from './bundle-error.js';
import { BUNDLE_GRAPH_NAMES, BUNDLE_OPTIONAL_GRAPH_NAMES, type AnyBundleGraphName, type BundleGraphName, type BundleOptionalGraphName } from './graph-names.js';

/** The `format` field of every bundle manifest. */
export const BUNDLE_FORMAT = 'clipseg-onnx-bundle';
/**
 * The manifest version this code writes and the newest it reads. Version 2 adds `logitScale`, the optional graphs
 * ({@link BUNDLE_OPTIONAL_GRAPH_NAMES}) and `files.positionEmbeddings`; version-1 bundles are still read (they lack
 * all three).
 */
export const BUNDLE_FORMAT_VERSION = 2;
/** The oldest manifest version this code reads. */
export const BUNDLE_OLDEST_FORMAT_VERSION = 1;

/** A file with its size and SHA-256, for integrity checks. */
export interface BundleFileEntry {
  /** Path relative to the bundle (or, in `source`, to the checkpoint folder). */
  readonly path: string;
  /** Size in bytes. */
  readonly bytes: number;
  /** SHA-256, 64 lower-case hex digits. */
  readonly sha256: string;
}

/** A graph file plus its I/O contract. */
export interface BundleGraphEntry extends BundleFileEntry {
  /** Inputs, in graph order. */
  readonly inputs: readonly TensorSpec[];
  /** Outputs, in graph order. */
  readonly outputs: readonly TensorSpec[];
}

/**
 * How a bundle's weights are stored: `fp32`; `fp16` (matrices stored as float16, computed in float32); or `int8`
 * (every Linear layer's matrix quantised per output channel to int8, run with onnxruntime's
 * `DynamicQuantizeMatMul`, which quantises activations per call; other tables and kernels stored as float16).
 */
export type BundleWeightDType = 'fp32' | 'fp16' | 'int8';

/** Every {@link BundleWeightDType}, in order of decreasing precision. */
export const BUNDLE_WEIGHT_DTYPES: readonly BundleWeightDType[] = ['fp32', 'fp16', 'int8'];

/** True when `value` is one of {@link BUNDLE_WEIGHT_DTYPES}. */
export function isBundleWeightDType(value: unknown): value is BundleWeightDType {
  return (BUNDLE_WEIGHT_DTYPES as readonly unknown[]).includes(value);
}

/** `manifest.json` of an ONNX bundle (format version 1 or 2; see @clipseg/convert's README). */
export interface BundleManifest {
  /** Always {@link BUNDLE_FORMAT}. */
  readonly format: typeof BUNDLE_FORMAT;
  /** Manifest version; readers refuse versions newer than they know. */
  readonly formatVersion: number;
  /** The tool that wrote it, e.g. `@clipseg/convert 0.1.0`. */
  readonly createdBy: string;
  /** The checkpoint the bundle was converted from. */
  readonly source: { readonly files: readonly BundleFileEntry[] };
  /** How weights are stored: see {@link BundleWeightDType}. */
  readonly dtype: BundleWeightDType;
  /** The image size the vision graphs take (pixel_values are [batch, 3, height, width]). */
  readonly imageSize: ImageSize;
  /**
   * The checkpoint's learnt `clip.logit_scale` (the logarithm: HF multiplies by `exp(logitScale)`), read at
   * conversion. Written by the converter since format version 2; `undefined` in version-1 bundles.
   */
  readonly logitScale?: number;
  /** Every graph with its contract: the four required ones, and those of {@link BUNDLE_OPTIONAL_GRAPH_NAMES} present. */
  readonly graphs: Readonly<Record<BundleGraphName, BundleGraphEntry>> & Readonly<Partial<Record<BundleOptionalGraphName, BundleGraphEntry>>>;
  /** The HF files copied beside the graphs. */
  readonly files: {
    readonly config: BundleFileEntry;
    readonly preprocessor: BundleFileEntry;
    readonly tokenizer: readonly BundleFileEntry[];
    /**
     * The checkpoint's vision position-embedding table, a safetensors file holding `position_embedding` float32
     * `[1 + (image_size / patch_size)², vision hidden]`; present (and required) when the `vision_model` graph is.
     */
    readonly positionEmbeddings?: BundleFileEntry;
  };
}

const DTYPES: ReadonlySet<string> = new Set<TensorDType>(['float32', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool']);

function invalid(path: string, what: string): BundleError {
  return new BundleError('BUNDLE_MANIFEST_INVALID', `manifest.json: ${path} ${what}. Re-convert the checkpoint to get a valid bundle.`, { details: { path } });
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'must be an object');
  return value as Record<string, unknown>;
}

/** A short description of a manifest value for messages: bounded work and length, never recursive. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function fileEntry(value: unknown, path: string): BundleFileEntry {
  const o = object(value, path);
  if (typeof o.path !== 'string') throw invalid(`${path}.path`, 'must be a relative path inside the bundle');
  try {
    checkRelativePath(o.path, `${path}.path`);
  } catch (error) {
    throw new BundleError(
      'BUNDLE_MANIFEST_INVALID',
      `manifest.json: ${path}.path must be a relative path inside the bundle, made of plain file names (got ${shown(o.path)}). Re-convert the checkpoint to get a valid bundle.`,
      { cause: error, details: { path: `${path}.path` } },
    );
  }
  if (typeof o.bytes !== 'number' || !Number.isSafeInteger(o.bytes) || o.bytes < 0) throw invalid(`${path}.bytes`, 'must be a non-negative integer');
  if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) throw invalid(`${path}.sha256`, 'must be 64 lower-case hex digits');
  return { path: o.path, bytes: o.bytes, sha256: o.sha256 };
}

function specs(value: unknown, path: string): TensorSpec[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  return value.map((item, i) => {
    const o = object(item, `${path}[${i}]`);
    if (typeof o.name !== 'string' || o.name === '') throw invalid(`${path}[${i}].name`, 'must be a non-empty string');
    if (typeof o.type !== 'string' || !DTYPES.has(o.type)) throw invalid(`${path}[${i}].type`, 'must be a tensor dtype');
    if (!Array.isArray(o.dims) || !o.dims.every((d) => (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) || (typeof d === 'string' && d !== ''))) {
      throw invalid(`${path}[${i}].dims`, 'must list non-negative integers and dim names');
    }
    if (o.description !== undefined && typeof o.description !== 'string') throw invalid(`${path}[${i}].description`, 'must be a string');
    return { name: o.name, type: o.type as TensorDType, dims: o.dims as DimSpec[], ...(o.description === undefined ? {} : { description: o.description }) };
  });
}

/**
 * Parses and validates `manifest.json`, format version 1 or 2 (see {@link BUNDLE_FORMAT_VERSION}).
 *
 * @throws {@link BundleError} `BUNDLE_FORMAT_UNKNOWN` when it is not a CLIPSeg
 * bundle manifest, `BUNDLE_VERSION_UNSUPPORTED` when it was written by a newer
 * format version, `BUNDLE_MANIFEST_INVALID` naming the first bad field.
 */
export function parseBundleManifest(json: string | unknown): BundleManifest {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new BundleError('BUNDLE_MANIFEST_INVALID', 'manifest.json is not valid JSON; the bundle is damaged — re-convert or re-download it.', { cause: error });
    }
  }
  const o = object(value, '(root)');
  if (o.format !== BUNDLE_FORMAT) {
    throw new BundleError('BUNDLE_FORMAT_UNKNOWN', `manifest.json has format ${shown(o.format)}, not '${BUNDLE_FORMAT}': this folder is not a CLIPSeg ONNX bundle. Convert a checkpoint with 'clipseg convert'.`);
  }
  if (typeof o.formatVersion !== 'number' || !Number.isSafeInteger(o.formatVersion) || o.formatVersion < BUNDLE_OLDEST_FORMAT_VERSION) throw invalid('formatVersion', 'must be a positive integer');
  if (o.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      'BUNDLE_VERSION_UNSUPPORTED',
      `This bundle has format version ${o.formatVersion}, newer than the ${BUNDLE_FORMAT_VERSION} this version of @clipseg reads. Upgrade the @clipseg packages, or re-convert the checkpoint with this version.`,
      { details: { formatVersion: o.formatVersion, supported: BUNDLE_FORMAT_VERSION } },
    );
  }
  if (typeof o.createdBy !== 'string') throw invalid('createdBy', 'must be a string');
  if (!isBundleWeightDType(o.dtype)) throw invalid('dtype', `must be ${BUNDLE_WEIGHT_DTYPES.map((d) => `'${d}'`).join(', ')}`);
  const size = object(o.imageSize, 'imageSize');
  for (const k of ['height', 'width'] as const) {
    if (typeof size[k] !== 'number' || !Number.isSafeInteger(size[k]) || (size[k] as number) <= 0) throw invalid(`imageSize.${k}`, 'must be a positive integer');
  }
  const source = object(o.source, 'source');
  if (!Array.isArray(source.files)) throw invalid('source.files', 'must be an array');
  const graphsIn = object(o.graphs, 'graphs');
  const graphs = {} as Record<AnyBundleGraphName, BundleGraphEntry>;
  const graphEntry = (name: AnyBundleGraphName): BundleGraphEntry => {
    const g = object(graphsIn[name], `graphs.${name}`);
    return { ...fileEntry(g, `graphs.${name}`), inputs: specs(g.inputs, `graphs.${name}.inputs`), outputs: specs(g.outputs, `graphs.${name}.outputs`) };
  };
  for (const name of BUNDLE_GRAPH_NAMES) graphs[name] = graphEntry(name);
  // Version 1 knows no optional graphs: a v1 manifest naming one is read as it was meant, without it.
  if (o.formatVersion >= 2) for (const name of BUNDLE_OPTIONAL_GRAPH_NAMES) if (graphsIn[name] !== undefined) graphs[name] = graphEntry(name);
  const files = object(o.files, 'files');
  if (!Array.isArray(files.tokenizer) || files.tokenizer.length === 0) throw invalid('files.tokenizer', 'must list the tokenizer files');
  let logitScale: number | undefined;
  let positionEmbeddings: BundleFileEntry | undefined;
  if (o.formatVersion >= 2) {
    if (o.logitScale !== undefined) {
      if (typeof o.logitScale !== 'number' || !Number.isFinite(o.logitScale)) throw invalid('logitScale', 'must be a finite number');
      logitScale = o.logitScale;
    }
    if (files.positionEmbeddings !== undefined) positionEmbeddings = fileEntry(files.positionEmbeddings, 'files.positionEmbeddings');
    if (graphs.vision_model !== undefined && positionEmbeddings === undefined) {
      throw invalid('files.positionEmbeddings', 'must be given when graphs.vision_model is (the vision_model graph takes position embeddings computed from it)');
    }
  }
  return {
    format: BUNDLE_FORMAT,
    formatVersion: o.formatVersion,
    createdBy: o.createdBy,
    source: { files: source.files.map((f, i) => fileEntry(f, `source.files[${i}]`)) },
    dtype: o.dtype,
    imageSize: { height: size.height as number, width: size.width as number },
    ...(logitScale === undefined ? {} : { logitScale }),
    graphs,
    files: {
      config: fileEntry(files.config, 'files.config'),
      preprocessor: fileEntry(files.preprocessor, 'files.preprocessor'),
      tokenizer: files.tokenizer.map((f, i) => fileEntry(f, `files.tokenizer[${i}]`)),
      ...(positionEmbeddings === undefined ? {} : { positionEmbeddings }),
    },
  };
}
