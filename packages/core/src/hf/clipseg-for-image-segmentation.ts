import type { AbortSignalLike, Backend } from '../backend/backend.js';
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import type { FileSet } from '../loading/file-set.js';
import { activationName, DECODER_CONDITION, hiddenStateName, projectorActivationIndex } from '../bundle/graph-names.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import { CLIPSegModel } from './clipseg-model.js';
import { float32Result, type HFBundle, type HFBundleLoadOptions } from './hf-bundle.js';
import { HFModelError } from './hf-error.js';
import { checkConditionalEmbeddings, checkPixelValues, checkTextInputs, type CheckedPixels, type CheckedText } from './hf-inputs.js';
import { HFModelBase } from './hf-model-base.js';
import type { BaseModelOutputWithPooling, CLIPSegImageSegmentationOutput, CLIPSegSegmentationInputs, HFForwardOptions, TokenTensorLike } from './hf-types.js';
import { gatherRows, groupIdenticalRows, sliceRows } from './tensor-rows.js';
import { textFeatures } from './text-tower.js';
import { atBundleSize, checkInterpolation, imageFeatures, runImageProjector, runVisionEncoder, runVisionModel } from './vision-tower.js';

/** Arguments of {@link CLIPSegForImageSegmentation.getConditionalEmbeddings} (HF `get_conditional_embeddings`). */
export interface ConditionalEmbeddingsArgs {
  /** Number of query images; the prompts must match it. */
  readonly batchSize: number;
  /** Text prompts (win over `conditional_pixel_values`). */
  readonly input_ids?: TokenTensorLike;
  /** Attention mask of `input_ids`. */
  readonly attention_mask?: TokenTensorLike;
  /** Image prompts. */
  readonly conditional_pixel_values?: Tensor<'float32'>;
}

/** The query images' vision outputs, one row per distinct image. */
interface QueryVision {
  readonly activations: Tensor<'float32'>[];
  readonly pooled: Tensor<'float32'>;
  readonly output: BaseModelOutputWithPooling | undefined;
}

/** A conditional prompt, checked before anything runs. */
type Condition = { readonly kind: 'embeddings'; readonly value: Tensor<'float32'> } | { readonly kind: 'text'; readonly text: CheckedText } | { readonly kind: 'image'; readonly px: CheckedPixels };

function batchMismatch(what: string, batch: number, got: number): HFModelError {
  return new HFModelError('HF_BATCH_MISMATCH', `Make sure to pass as many prompt ${what} as there are query images (got ${got} for ${batch}).`, { details: { expected: batch, actual: got } });
}

/**
 * HF `CLIPSegForImageSegmentation`: one prompt per query image → segmentation logits, with HF's inputs, outputs and
 * checks. Runs on any bundle; `outputHiddenStates` needs the optional `vision_model` and `decoder_hidden_states`
 * graphs, and `vision_model_output` comes with `vision_model`. Query images must have the bundle's image size
 * (its decoder graph is built for that patch grid). Identical query images are encoded once.
 *
 * For many prompts on one image, the `CLIPSeg` pipeline is the faster API (it caches texts and images); this class
 * is for code ported from HF.
 *
 * @example
 * ```ts
 * const model = await CLIPSegForImageSegmentation.fromBundle(files, backend);
 * const texts = ['a cat', 'a remote', 'a blanket'];
 * const inputs = await processor.call({ text: texts, images: texts.map(() => photo), padding: true });
 * const { logits } = await model.forward(inputs); // [3, 352, 352]
 * ```
 */
export class CLIPSegForImageSegmentation extends HFModelBase {
  /** HF `model.clip`: the CLIP part, on the same bundle. */
  readonly clip: CLIPSegModel;

  /** A segmentation model on a shared bundle (its owner disposes it). */
  constructor(bundle: HFBundle) {
    super(bundle);
    this.clip = new CLIPSegModel(bundle);
  }

  /**
   * HF `CLIPSegForImageSegmentation.from_pretrained`, over a converted bundle (the four default graphs suffice).
   * @throws what {@link HFBundle.load} throws
   */
  static fromBundle(files: FileSet, backend: Backend, options: HFBundleLoadOptions = {}): Promise<CLIPSegForImageSegmentation> {
    return HFModelBase.loadOwned(files, backend, options, (bundle) => new CLIPSegForImageSegmentation(bundle));
  }

  /** HF `model.config`. */
  get config(): CLIPSegConfig {
    return this.bundle.config;
  }

  /**
   * HF `get_conditional_embeddings(batch_size, input_ids, attention_mask, conditional_pixel_values)`: text features
   * of `input_ids`, else image features of `conditional_pixel_values`, one row per query image.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT` ("Invalid conditional …"), `HF_BATCH_MISMATCH`, the input errors
   *   of the features, `HF_DISPOSED`, `HF_ABORTED`
   */
  async getConditionalEmbeddings(args: ConditionalEmbeddingsArgs, options: Omit<HFForwardOptions, 'outputHiddenStates'> = {}): Promise<Tensor<'float32'>> {
    this.checkLive(options.signal);
    if (!Number.isSafeInteger(args?.batchSize) || args.batchSize < 1) throw new HFModelError('HF_INVALID_INPUT', `batchSize must be a positive integer (the number of query images), got ${String(args?.batchSize)}.`);
    const condition = this.#condition(args, args.batchSize, options.interpolatePosEncoding ?? true);
    return this.#conditionalEmbeddings(condition, options);
  }

  /**
   * HF `CLIPSegForImageSegmentation.forward(pixel_values, input_ids | conditional_pixel_values |
   * conditional_embeddings, attention_mask, output_hidden_states, interpolate_pos_encoding)`. The prompt comes from
   * `conditional_embeddings` if given, else `input_ids`, else `conditional_pixel_values` (HF's precedence), one per
   * query image.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT`, `HF_BATCH_MISMATCH` ("Make sure to pass as many …"),
   *   `HF_EMBEDDING_SIZE`, `HF_INVALID_INPUT`, `HF_SEQUENCE_TOO_LONG`, `HF_IMAGE_SIZE`, `HF_GRAPH_MISSING`,
   *   `HF_OUTPUT_INVALID`, `HF_DISPOSED`, `HF_ABORTED`; backend errors
   */
  async forward(inputs: CLIPSegSegmentationInputs, options: HFForwardOptions = {}): Promise<CLIPSegImageSegmentationOutput> {
    this.checkLive(options.signal);
    const config = this.config;
    const interpolate = options.interpolatePosEncoding ?? true;
    const hidden = options.outputHiddenStates === true;
    const px = checkPixelValues(inputs?.pixel_values, 'pixel_values', config.vision_config);
    checkInterpolation(this.bundle, px, interpolate);
    if (!atBundleSize(this.bundle, px)) {
      const size = this.bundle.manifest.imageSize;
      throw new HFModelError(
        'HF_IMAGE_SIZE',
        `pixel_values are ${px.height}×${px.width}, but this bundle's decoder was converted for ${size.height}×${size.width} query images. Preprocess to ${size.height}×${size.width} (the processor does), or re-convert with that image size.`,
        { details: { height: px.height, width: px.width, bundle: { ...size } } },
      );
    }
    if (hidden) {
      this.bundle.requireGraph('vision_model', 'CLIPSegForImageSegmentation.forward with outputHiddenStates');
      this.bundle.requireGraph('decoder_hidden_states', 'CLIPSegForImageSegmentation.forward with outputHiddenStates');
    }
    const condition = this.#condition(inputs, px.batch, interpolate);

    const groups = groupIdenticalRows(px.pixels);
    const distinct: CheckedPixels = { ...px, pixels: gatherRows(px.pixels, groups.unique), batch: groups.unique.length };
    const vision = await this.#queryVision(distinct, hidden, interpolate, options.signal);
    const conditional = await this.#conditionalEmbeddings(condition, options);
    const decoder = await this.#decode(vision.activations, conditional, groups.groupOf, hidden, options.signal);

    const expand = (t: Tensor<'float32'>) => gatherRows(t, groups.groupOf);
    const output = vision.output;
    return {
      logits: decoder.logits,
      conditional_embeddings: conditional,
      pooled_output: expand(vision.pooled),
      ...(output === undefined
        ? {}
        : {
            vision_model_output: {
              last_hidden_state: expand(output.last_hidden_state),
              pooler_output: expand(output.pooler_output),
              ...(output.hidden_states === undefined ? {} : { hidden_states: output.hidden_states.map(expand) }),
            },
          }),
      decoder_output: decoder,
    };
  }

  /** Checks the prompt inputs in HF's order of precedence, before anything runs. */
  #condition(inputs: Omit<CLIPSegSegmentationInputs, 'pixel_values'>, batch: number, interpolate: boolean): Condition {
    const config = this.config;
    if (inputs.conditional_embeddings !== undefined && inputs.conditional_embeddings !== null) {
      return { kind: 'embeddings', value: checkConditionalEmbeddings(inputs.conditional_embeddings, batch, config.projection_dim) };
    }
    if (inputs.input_ids !== undefined && inputs.input_ids !== null) {
      const text = checkTextInputs({ input_ids: inputs.input_ids, ...(inputs.attention_mask == null ? {} : { attention_mask: inputs.attention_mask }) }, config.text_config);
      if (text.batch !== batch) throw batchMismatch('texts', batch, text.batch);
      return { kind: 'text', text };
    }
    if (inputs.conditional_pixel_values !== undefined && inputs.conditional_pixel_values !== null) {
      const px = checkPixelValues(inputs.conditional_pixel_values, 'conditional_pixel_values', config.vision_config);
      if (px.batch !== batch) throw batchMismatch('images', batch, px.batch);
      checkInterpolation(this.bundle, px, interpolate);
      return { kind: 'image', px };
    }
    throw new HFModelError('HF_MISSING_INPUT', 'Invalid conditional, should be either provided as `input_ids` or `conditional_pixel_values` (or pass `conditional_embeddings`).');
  }

  async #conditionalEmbeddings(condition: Condition, options: Omit<HFForwardOptions, 'outputHiddenStates'>): Promise<Tensor<'float32'>> {
    switch (condition.kind) {
      case 'embeddings':
        return condition.value;
      case 'text':
        return textFeatures(this.bundle, condition.text, options.signal);
      case 'image':
        return imageFeatures(this.bundle, condition.px, options);
    }
  }

  /** The decoder's activations, the pooled projection and (with `vision_model`) the vision output, per distinct image. */
  async #queryVision(px: CheckedPixels, hidden: boolean, interpolate: boolean, signal: AbortSignalLike | undefined): Promise<QueryVision> {
    const layers = this.config.extract_layers;
    if (this.bundle.hasGraph('vision_model')) {
      const states = layers.map((layer) => layer + 1); // HF hidden_states[i + 1] for i in extract_layers
      const v = await runVisionModel(this.bundle, px, { outputHiddenStates: hidden, interpolatePosEncoding: interpolate, states, signal }, 'CLIPSegForImageSegmentation');
      const output: BaseModelOutputWithPooling = {
        last_hidden_state: v.last_hidden_state,
        pooler_output: v.pooler_output,
        ...(v.hidden_states === undefined ? {} : { hidden_states: v.hidden_states }),
      };
      return { activations: states.map((i) => v.states.get(i)!), pooled: v.image_embeds, output };
    }
    const activations = await runVisionEncoder(this.bundle, px, layers.map((_, k) => k), signal);
    const pooled = await runImageProjector(this.bundle, activations[projectorActivationIndex(layers)]!, signal);
    return { activations, pooled, output: undefined };
  }

  /** Runs the decoder once per distinct image, with the prompts of its rows, and puts the rows back in order. */
  async #decode(activations: readonly Tensor<'float32'>[], conditional: Tensor<'float32'>, groupOf: readonly number[], hidden: boolean, signal: AbortSignalLike | undefined) {
    const graph = hidden ? 'decoder_hidden_states' : 'decoder';
    const depth = this.config.extract_layers.length;
    const states = hidden ? Array.from({ length: depth }, (_, i) => hiddenStateName(i)) : [];
    const batch = groupOf.length;
    let logits: Float32Array | undefined;
    let logitDims: number[] = [];
    const stateData: Float32Array[] = [];
    let stateDims: number[] = [];
    const groups = activations[0]!.dims[0]!;
    for (let u = 0; u < groups; u++) {
      const rows = groupOf.flatMap((g, i) => (g === u ? [i] : []));
      const feeds: Record<string, Tensor> = { [DECODER_CONDITION]: gatherRows(conditional, rows) };
      activations.forEach((t, k) => (feeds[activationName(k)] = sliceRows(t, u, 1)));
      const outputs = await this.bundle.run(graph, feeds, ['logits', ...states], signal);
      const part = float32Result(outputs, graph, 'logits', [rows.length, undefined, undefined]);
      const plane = part.dims[1]! * part.dims[2]!;
      logits ??= new Float32Array(batch * plane);
      logitDims = [batch, part.dims[1]!, part.dims[2]!];
      rows.forEach((row, j) => logits!.set(part.data.subarray(j * plane, (j + 1) * plane), row * plane));
      states.forEach((name, k) => {
        const state = float32Result(outputs, graph, name, [undefined, undefined, this.config.reduce_dim]);
        const size = state.dims[1]! * state.dims[2]!;
        stateData[k] ??= new Float32Array(batch * size);
        stateDims = [batch, state.dims[1]!, state.dims[2]!];
        // Layers before FiLM run once for every prompt ([1, tokens, R]); the others have one row per prompt.
        rows.forEach((row, j) => stateData[k]!.set(state.data.subarray((state.dims[0] === 1 ? 0 : j) * size, ((state.dims[0] === 1 ? 0 : j) + 1) * size), row * size));
      });
    }
    const logitsTensor = createTensor('float32', logitDims, logits!);
    return hidden ? { logits: logitsTensor, hidden_states: stateData.map((data) => createTensor('float32', stateDims, data)) } : { logits: logitsTensor };
  }
}
