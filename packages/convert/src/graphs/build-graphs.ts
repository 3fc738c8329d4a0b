/**
 * Converts a CLIPSeg checkpoint to its four ONNX graphs, plus the optional ones asked for.
 *
 * @module
 */
import type { AnyBundleGraphName, BundleGraphName, BundleOptionalGraphName, GraphContract, ImageSize } from '@clipseg/core';
import { BUNDLE_GRAPH_NAMES, BUNDLE_OPTIONAL_GRAPH_NAMES, BUNDLE_WEIGHT_DTYPES, isBundleWeightDType } from '@clipseg/core';
import type { CheckpointReader } from '../checkpoint/checkpoint-reader.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/model-writer.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { checkGraphConfig } from './clipseg-graph-config.js';
import { ConvertError } from './convert-error.js';
import { buildDecoderGraph } from './decoder-graph.js';
import { expectedParameters } from './expected-parameters.js';
import { DEFAULT_IMAGE_SIZE, graphContracts } from './graph-contracts.js';
import { buildImageProjectorGraph } from './image-projector-graph.js';
import { buildTextEncoderGraph } from './text-encoder-graph.js';
import { buildTextModelGraph } from './text-model-graph.js';
import { validateCheckpoint } from './validate-checkpoint.js';
import { buildVisionEncoderGraph } from './vision-encoder-graph.js';
import { buildVisionModelGraph } from './vision-model-graph.js';
import type { WeightDType } from './weight-store.js';
import { WeightStore } from './weight-store.js';

/** Progress of {@link buildGraphs}, reported after each weight is written. */
export interface BuildGraphsProgress {
  /** Graph being written. */
  readonly graph: AnyBundleGraphName;
  /** Its position among the graphs (0-based). */
  readonly graphIndex: number;
  /** Number of graphs. */
  readonly graphCount: number;
  /** Initializers of this graph written so far. */
  readonly tensorsDone: number;
  /** Initializers in this graph. */
  readonly tensorsTotal: number;
  /** Bytes of this graph written so far. */
  readonly bytesDone: number;
  /** Size of this graph in bytes. */
  readonly bytesTotal: number;
}

/** Options of {@link buildGraphs}. */
export interface BuildGraphsOptions {
  /** Input size of the vision graphs, a multiple of the patch size (default 352×352, the CIDAS processor size). */
  readonly imageSize?: ImageSize;
  /**
   * Weight storage: `fp32` (default); `fp16` (matrices stored as float16 with a Cast; compute stays float32); `int8`
   * (Linear matrices quantised per output channel, run by onnxruntime's `DynamicQuantizeMatMul`; the other matrices
   * stored as float16). See docs/benchmarks.md for int8's measured error and speed.
   */
  readonly dtype?: WeightDType;
  /**
   * How the decoder computes attention: `standard` (default), MatMul → Softmax → MatMul in plain ONNX, which every
   * onnxruntime backend runs to the goldens; or `fused`, one onnxruntime `com.microsoft.MultiHeadAttention` per
   * layer — 12 % faster for the decoder at 16 prompts on a native CPU, the same in WASM, but onnxruntime-web's
   * WebGPU kernel for it misses HF's logits by 3–4e-4 (beyond the 1e-4 tolerance), so use it for bundles that run
   * on CPU only (docs/benchmarks.md).
   */
  readonly attention?: AttentionKind;
  /** Called as weights are written. */
  readonly onProgress?: (progress: BuildGraphsProgress) => void;
  /** `producer_version` written into each model. */
  readonly producerVersion?: string;
  /**
   * Optional graphs to build besides the four default ones (see {@link BUNDLE_OPTIONAL_GRAPH_NAMES}); default none.
   * They do not change the default graphs (byte for byte), but each carries its own copy of the weights it uses.
   */
  readonly optionalGraphs?: readonly BundleOptionalGraphName[];
}

/** How the decoder graph computes attention (see {@link BuildGraphsOptions.attention}). */
export type AttentionKind = 'standard' | 'fused';

/** Every {@link AttentionKind}, the default first. */
export const ATTENTION_KINDS: readonly AttentionKind[] = ['standard', 'fused'];

/** True when `value` is one of {@link ATTENTION_KINDS}. */
export function isAttentionKind(value: unknown): value is AttentionKind {
  return (ATTENTION_KINDS as readonly unknown[]).includes(value);
}

/** The serialised ONNX models and their contracts. */
export interface BuiltGraphs {
  /** ModelProto bytes of each graph: the four default ones, and the optional ones built. */
  readonly graphs: Record<BundleGraphName, Uint8Array> & Partial<Record<BundleOptionalGraphName, Uint8Array>>;
  /** Input/output contracts, in {@link BUNDLE_GRAPH_NAMES} order, then the optional graphs in {@link BUNDLE_OPTIONAL_GRAPH_NAMES} order. */
  readonly contracts: GraphContract[];
}

/** The requested optional graphs, deduplicated, in {@link BUNDLE_OPTIONAL_GRAPH_NAMES} order; throws on an unknown name. */
export function checkOptionalGraphs(names: readonly BundleOptionalGraphName[] | undefined): BundleOptionalGraphName[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw new ConvertError('CONVERT_INVALID_OPTIONS', `optionalGraphs must be an array of graph names (${BUNDLE_OPTIONAL_GRAPH_NAMES.join(', ')}).`);
  const unknown = names.filter((n) => !(BUNDLE_OPTIONAL_GRAPH_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new ConvertError('CONVERT_INVALID_OPTIONS', `Unknown optional graph ${unknown.map((n) => `'${String(n)}'`).join(', ')}; use ${BUNDLE_OPTIONAL_GRAPH_NAMES.join(', ')}.`, {
      details: { unknown: [...unknown] },
    });
  }
  return BUNDLE_OPTIONAL_GRAPH_NAMES.filter((n) => names.includes(n));
}

/** Throws `CONVERT_INVALID_OPTIONS` unless both sides of `size` are positive multiples of the patch size. */
export function checkImageSize(config: CLIPSegGraphConfig, size: ImageSize): void {
  const p = config.vision_config.patch_size;
  const ok = (v: number): boolean => Number.isSafeInteger(v) && v >= p && v % p === 0;
  if (!ok(size.height) || !ok(size.width)) {
    throw new ConvertError(
      'CONVERT_INVALID_OPTIONS',
      `imageSize ${size.height}×${size.width} must be positive multiples of the patch size ${p} (e.g. ${DEFAULT_IMAGE_SIZE.height}×${DEFAULT_IMAGE_SIZE.width}).`,
      { details: { imageSize: { ...size }, patchSize: p } },
    );
  }
}

/**
 * Builds the `text_encoder`, `vision_encoder`, `image_projector` and `decoder` ONNX models (IR 8, opset 17) from a
 * CLIPSegForImageSegmentation checkpoint, plus the `optionalGraphs` asked for (`text_model`, `vision_model`,
 * `decoder_hidden_states`).
 *
 * The config is checked, then the checkpoint (every problem at once), then each graph is written in turn, reading
 * each weight from `reader` exactly once, when it is copied into place: memory stays near the size of the output
 * plus one weight. `clip.logit_scale` is not needed by any graph.
 *
 * @throws {@link ConvertError} `CONVERT_INVALID_CONFIG`, `CONVERT_INVALID_OPTIONS`, or one of the checkpoint codes
 * of `validateCheckpoint`.
 */
export async function buildGraphs(config: CLIPSegGraphConfig, reader: CheckpointReader, options: BuildGraphsOptions = {}): Promise<BuiltGraphs> {
  const imageSize = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const dtype = options.dtype ?? 'fp32';
  if (!isBundleWeightDType(dtype)) {
    throw new ConvertError('CONVERT_INVALID_OPTIONS', `dtype must be ${BUNDLE_WEIGHT_DTYPES.map((d) => `'${d}'`).join(', ')}, got '${String(dtype)}'.`);
  }
  const attention = options.attention ?? 'standard';
  if (!isAttentionKind(attention)) {
    throw new ConvertError('CONVERT_INVALID_OPTIONS', `attention must be ${ATTENTION_KINDS.map((a) => `'${a}'`).join(' or ')}, got '${String(attention)}'.`);
  }
  const optional = checkOptionalGraphs(options.optionalGraphs);
  checkGraphConfig(config);
  checkImageSize(config, imageSize);
  validateCheckpoint(config, reader);

  const weights = new WeightStore(reader, expectedParameters(config), dtype);
  const builders: Record<AnyBundleGraphName, () => GraphBuilder> = {
    text_encoder: () => buildTextEncoderGraph(config, weights),
    vision_encoder: () => buildVisionEncoderGraph(config, weights, imageSize),
    image_projector: () => buildImageProjectorGraph(config, weights, imageSize),
    decoder: () => buildDecoderGraph(config, weights, imageSize, { fusedAttention: attention === 'fused' }),
    text_model: () => buildTextModelGraph(config, weights),
    vision_model: () => buildVisionModelGraph(config, weights),
    decoder_hidden_states: () => buildDecoderGraph(config, weights, imageSize, { hiddenStates: true, fusedAttention: attention === 'fused' }),
  };
  const names: AnyBundleGraphName[] = [...BUNDLE_GRAPH_NAMES, ...optional];
  const graphs = {} as Record<AnyBundleGraphName, Uint8Array>;
  for (const [graphIndex, graph] of names.entries()) {
    // The optional graphs are size-independent except decoder_hidden_states; their doc strings say so.
    const sized = graph !== 'text_model' && graph !== 'vision_model';
    graphs[graph] = await writeModel(builders[graph](), {
      ...(options.producerVersion === undefined ? {} : { producerVersion: options.producerVersion }),
      docString: `CLIPSeg ${graph} (HF CLIPSegForImageSegmentation), ${sized ? `${imageSize.height}x${imageSize.width}` : 'any size'}, weights ${dtype}`,
      metadata: {
        'clipseg.graph': graph,
        'clipseg.image_size': sized ? `${imageSize.height}x${imageSize.width}` : 'any',
        'clipseg.weights_dtype': dtype,
        ...(graph.startsWith('decoder') ? { 'clipseg.attention': attention } : {}),
      },
      onProgress: (p) => options.onProgress?.({ graph, graphIndex, graphCount: names.length, ...p }),
    });
  }
  return { graphs, contracts: graphContracts(config, imageSize, optional) };
}
