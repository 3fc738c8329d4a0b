/**
 * The vision tower over a bundle: the optional `vision_model` graph at any image size (position embeddings
 * interpolated here, as HF `interpolate_pos_encoding` does), and `get_image_features` through the default
 * `vision_encoder` + `image_projector` graphs at the bundle's own image size.
 *
 * @module
 */
import type { AbortSignalLike } from '../backend/backend.js';
import { activationName, hiddenStateName, PROJECTOR_INPUT, PROJECTOR_OUTPUT, projectorActivationIndex, VISION_INPUT } from '../bundle/graph-names.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import { float32Result, type HFBundle } from './hf-bundle.js';
import { HFModelError } from './hf-error.js';
import type { CheckedPixels } from './hf-inputs.js';
import { interpolatePositionEmbeddings } from './position-embeddings.js';
import type { BaseModelOutputWithPooling } from './hf-types.js';

/** Options of the vision tower runs. */
export interface VisionRunOptions {
  /** Return every hidden state. */
  readonly outputHiddenStates?: boolean;
  /** HF `interpolate_pos_encoding` (default true). */
  readonly interpolatePosEncoding?: boolean;
  /** Hidden states to fetch besides those `outputHiddenStates` asks for (e.g. the decoder's activations). */
  readonly states?: readonly number[];
  /** Cancels the call. */
  readonly signal?: AbortSignalLike;
}

/** The `vision_model` graph's outputs: HF's `BaseModelOutputWithPooling` plus `get_image_features`. */
export interface VisionTowerOutput extends BaseModelOutputWithPooling {
  /** `visual_projection(pooler_output)`, `[batch, projection_dim]`, not normalised. */
  readonly image_embeds: Tensor<'float32'>;
  /** Every hidden state fetched (by index: 0 the encoder input, i the output of layer i − 1). */
  readonly states: ReadonlyMap<number, Tensor<'float32'>>;
}

/**
 * Refuses another size than `vision_config.image_size` when interpolation is off, with HF's message.
 *
 * @throws {@link HFModelError} `HF_IMAGE_SIZE`
 */
export function checkInterpolation(bundle: HFBundle, px: CheckedPixels, interpolate: boolean): void {
  const size = bundle.config.vision_config.image_size;
  if (!interpolate && (px.height !== size || px.width !== size)) {
    throw new HFModelError(
      'HF_IMAGE_SIZE',
      `Input image size (${px.height}*${px.width}) doesn't match model (${size}*${size}). Pass interpolatePosEncoding: true (the default) to resize the position embeddings.`,
      { details: { height: px.height, width: px.width, imageSize: size } },
    );
  }
}

const positionCache = new WeakMap<HFBundle, Map<string, Tensor<'float32'>>>();

/** Position embeddings `[1, 1 + rows·cols, hidden]` for a patch grid, interpolated from the checkpoint table once per grid. */
async function positionEmbeddings(bundle: HFBundle, rows: number, cols: number): Promise<Tensor<'float32'>> {
  let cache = positionCache.get(bundle);
  if (cache === undefined) {
    cache = new Map();
    positionCache.set(bundle, cache);
  }
  const key = `${rows}x${cols}`;
  let positions = cache.get(key);
  if (positions === undefined) {
    const vision = bundle.config.vision_config;
    const table = await bundle.positionTable();
    positions = createTensor('float32', [1, 1 + rows * cols, vision.hidden_size], interpolatePositionEmbeddings(table, vision.numPatchesPerSide, rows, cols));
    cache.set(key, positions);
  }
  return positions;
}

/**
 * Runs the `vision_model` graph (HF `CLIPSegVisionTransformer`) on `px`, at any size.
 *
 * @param what - the caller, named in `HF_GRAPH_MISSING`
 * @throws {@link HFModelError} `HF_GRAPH_MISSING`, `HF_IMAGE_SIZE`, `HF_OUTPUT_INVALID`, `HF_ABORTED`, `HF_DISPOSED`
 */
export async function runVisionModel(bundle: HFBundle, px: CheckedPixels, options: VisionRunOptions, what: string): Promise<VisionTowerOutput> {
  checkInterpolation(bundle, px, options.interpolatePosEncoding ?? true);
  bundle.requireGraph('vision_model', what);
  const vision = bundle.config.vision_config;
  const p = vision.patch_size;
  const rows = Math.floor(px.height / p);
  const cols = Math.floor(px.width / p);
  const tokens = 1 + rows * cols;
  const D = vision.hidden_size;
  const all = options.outputHiddenStates === true ? Array.from({ length: vision.num_hidden_layers + 1 }, (_, i) => i) : [];
  const wanted = [...new Set([...all, ...(options.states ?? [])])].sort((a, b) => a - b);
  const positions = await positionEmbeddings(bundle, rows, cols);
  const outputs = await bundle.run(
    'vision_model',
    { pixel_values: px.pixels, position_embeddings: positions },
    ['last_hidden_state', 'pooler_output', 'image_embeds', ...wanted.map(hiddenStateName)],
    options.signal,
  );
  const out = (name: string, dims: (number | undefined)[]) => float32Result(outputs, 'vision_model', name, dims);
  const states = new Map(wanted.map((i) => [i, out(hiddenStateName(i), [px.batch, tokens, D])]));
  return {
    last_hidden_state: out('last_hidden_state', [px.batch, tokens, D]),
    pooler_output: out('pooler_output', [px.batch, D]),
    image_embeds: out('image_embeds', [px.batch, bundle.config.projection_dim]),
    ...(all.length === 0 ? {} : { hidden_states: all.map((i) => states.get(i)!) }),
    states,
  };
}

/** True when `px` has exactly the size the bundle's fixed-size graphs take. */
export function atBundleSize(bundle: HFBundle, px: CheckedPixels): boolean {
  const size = bundle.manifest.imageSize;
  return px.height === size.height && px.width === size.width;
}

/**
 * Runs the default `vision_encoder` graph (the bundle's image size only), fetching `activation_k` for the given k.
 *
 * @throws {@link HFModelError} `HF_OUTPUT_INVALID`, `HF_ABORTED`, `HF_DISPOSED`
 */
export async function runVisionEncoder(bundle: HFBundle, px: CheckedPixels, activations: readonly number[], signal: AbortSignalLike | undefined): Promise<Tensor<'float32'>[]> {
  const names = activations.map(activationName);
  const outputs = await bundle.run('vision_encoder', { [VISION_INPUT]: px.pixels }, names, signal);
  return names.map((name) => float32Result(outputs, 'vision_encoder', name, [px.batch, undefined, bundle.config.vision_config.hidden_size]));
}

/**
 * `image_projector` on the deepest activation: HF `get_image_features` at the bundle's image size.
 *
 * @throws {@link HFModelError} `HF_OUTPUT_INVALID`, `HF_ABORTED`, `HF_DISPOSED`
 */
export async function runImageProjector(bundle: HFBundle, deepest: Tensor<'float32'>, signal: AbortSignalLike | undefined): Promise<Tensor<'float32'>> {
  const outputs = await bundle.run('image_projector', { [PROJECTOR_INPUT]: deepest }, [PROJECTOR_OUTPUT], signal);
  return float32Result(outputs, 'image_projector', PROJECTOR_OUTPUT, [deepest.dims[0], bundle.config.projection_dim]);
}

/**
 * HF `get_image_features`: `[batch, projection_dim]`, not normalised. At the bundle's image size it runs the
 * default `vision_encoder` + `image_projector`; at any other size, the `vision_model` graph.
 *
 * @throws {@link HFModelError} `HF_IMAGE_SIZE`, `HF_GRAPH_MISSING` (another size on a bundle without `vision_model`),
 *   `HF_OUTPUT_INVALID`, `HF_ABORTED`, `HF_DISPOSED`
 */
export async function imageFeatures(bundle: HFBundle, px: CheckedPixels, options: { readonly interpolatePosEncoding?: boolean; readonly signal?: AbortSignalLike }): Promise<Tensor<'float32'>> {
  checkInterpolation(bundle, px, options.interpolatePosEncoding ?? true);
  if (atBundleSize(bundle, px)) {
    const k = projectorActivationIndex(bundle.config.extract_layers);
    const [deepest] = await runVisionEncoder(bundle, px, [k], options.signal);
    return runImageProjector(bundle, deepest!, options.signal);
  }
  const size = bundle.manifest.imageSize;
  const what = `Images of ${px.height}×${px.width} (the bundle's fixed-size graphs take ${size.height}×${size.width})`;
  return (await runVisionModel(bundle, px, options, what)).image_embeds;
}
