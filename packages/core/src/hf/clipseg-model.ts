import type { Backend } from '../backend/backend.js';
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import type { FileSet } from '../loading/file-set.js';
import type { Tensor } from '../tensor/tensor.js';
import type { HFBundle, HFBundleLoadOptions } from './hf-bundle.js';
import { HFModelError } from './hf-error.js';
import { checkPixelValues, checkTextInputs } from './hf-inputs.js';
import { HFModelBase } from './hf-model-base.js';
import type { BaseModelOutputWithPooling, CLIPSegModelInputs, CLIPSegOutput, CLIPSegTextInputs, CLIPSegVisionInputs, HFCallOptions, HFForwardOptions } from './hf-types.js';
import { l2NormalizeRows, scaledSimilarity, transpose2d } from './tensor-rows.js';
import { runTextModel, textFeatures } from './text-tower.js';
import { imageFeatures, runVisionModel } from './vision-tower.js';

/** Options of {@link CLIPSegModel.getImageFeatures}. */
export interface ImageFeaturesOptions extends HFCallOptions {
  /** HF `interpolate_pos_encoding` (default true). */
  readonly interpolatePosEncoding?: boolean;
}

/**
 * HF `CLIPSegModel`: CLIP's two towers and projections, for text and image embeddings and zero-shot image
 * classification (`logits_per_image`). Runs on any bundle: `getTextFeatures` and `getImageFeatures` at the bundle's
 * image size use the default graphs; images of other sizes need the optional `vision_model` graph; `forward` needs
 * the checkpoint's `logit_scale` (in the manifest since format 2, or the `logitScale` load option).
 *
 * @example
 * ```ts
 * const clip = await CLIPSegModel.fromBundle(files, backend);
 * const inputs = await processor.call({ text: ['a photo of a cat', 'a photo of a dog'], images: photo, padding: true });
 * const { logits_per_image } = await clip.forward(inputs); // [1, 2]; softmax over the texts gives label probabilities
 * ```
 */
export class CLIPSegModel extends HFModelBase {
  /** A CLIP model on a shared bundle (its owner disposes it). */
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor -- makes the base class's protected constructor public
  constructor(bundle: HFBundle) {
    super(bundle);
  }

  /**
   * HF `CLIPSegModel.from_pretrained`, over a converted bundle (the four default graphs suffice).
   * @throws what {@link HFBundle.load} throws
   */
  static fromBundle(files: FileSet, backend: Backend, options: HFBundleLoadOptions = {}): Promise<CLIPSegModel> {
    return HFModelBase.loadOwned(files, backend, options, (bundle) => new CLIPSegModel(bundle));
  }

  /** HF `model.config`. */
  get config(): CLIPSegConfig {
    return this.bundle.config;
  }

  /** The checkpoint's learnt `logit_scale` (before `exp`), or `undefined` for a format-1 bundle loaded without the `logitScale` option. */
  get logitScale(): number | undefined {
    return this.bundle.logitScale;
  }

  /**
   * HF `get_text_features(input_ids, attention_mask)`: `text_projection` of the pooled text output,
   * `[batch, projection_dim]`, not normalised.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT`, `HF_INVALID_INPUT`, `HF_SEQUENCE_TOO_LONG`, `HF_GRAPH_MISSING`
   *   (an attention mask that hides tokens before the end-of-text token, on a bundle without `text_model`),
   *   `HF_OUTPUT_INVALID`, `HF_DISPOSED`, `HF_ABORTED`
   */
  async getTextFeatures(inputs: CLIPSegTextInputs, options: HFCallOptions = {}): Promise<Tensor<'float32'>> {
    this.checkLive(options.signal);
    return textFeatures(this.bundle, checkTextInputs(inputs, this.config.text_config), options.signal);
  }

  /**
   * HF `get_image_features(pixel_values, interpolate_pos_encoding)`: `visual_projection` of the pooled image
   * output, `[batch, projection_dim]`, not normalised.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT`, `HF_INVALID_INPUT`, `HF_IMAGE_SIZE`, `HF_GRAPH_MISSING` (another
   *   size than the bundle's on a bundle without `vision_model`), `HF_OUTPUT_INVALID`, `HF_DISPOSED`, `HF_ABORTED`
   */
  async getImageFeatures(inputs: CLIPSegVisionInputs, options: ImageFeaturesOptions = {}): Promise<Tensor<'float32'>> {
    this.checkLive(options.signal);
    return imageFeatures(this.bundle, checkPixelValues(inputs?.pixel_values, 'pixel_values', this.config.vision_config), options);
  }

  /**
   * HF `CLIPSegModel.forward(input_ids, pixel_values, attention_mask, output_hidden_states, interpolate_pos_encoding)`:
   * both towers, the L2-normalised embeddings, and their cosine similarities × `exp(logit_scale)`
   * (`logits_per_text` `[texts, images]` and its transpose `logits_per_image`). `text_model_output` and
   * `vision_model_output` come with the bundle's `text_model` / `vision_model` graphs (required for
   * `outputHiddenStates`).
   *
   * @throws {@link HFModelError} `HF_LOGIT_SCALE_MISSING`, the input errors of the feature methods, `HF_GRAPH_MISSING`,
   *   `HF_OUTPUT_INVALID`, `HF_DISPOSED`, `HF_ABORTED`
   */
  async forward(inputs: CLIPSegModelInputs, options: HFForwardOptions = {}): Promise<CLIPSegOutput> {
    this.checkLive(options.signal);
    const scale = this.bundle.logitScale;
    if (scale === undefined) {
      throw new HFModelError(
        'HF_LOGIT_SCALE_MISSING',
        `This bundle (format ${this.bundle.manifest.formatVersion}) does not record the checkpoint's logit_scale, which forward() multiplies the similarities by. Re-convert the checkpoint (format 2 records it), or load with { logitScale } (the checkpoint's clip.logit_scale, before exp).`,
      );
    }
    const config = this.config;
    const text = checkTextInputs(inputs, config.text_config);
    const px = checkPixelValues(inputs.pixel_values, 'pixel_values', config.vision_config);
    const hidden = options.outputHiddenStates === true;
    if (hidden) {
      this.bundle.requireGraph('text_model', 'CLIPSegModel.forward with outputHiddenStates');
      this.bundle.requireGraph('vision_model', 'CLIPSegModel.forward with outputHiddenStates');
    }
    let visionOutput: BaseModelOutputWithPooling | undefined;
    let imageEmbeds: Tensor<'float32'>;
    if (this.bundle.hasGraph('vision_model')) {
      const { image_embeds, states: _states, ...output } = await runVisionModel(this.bundle, px, options, 'CLIPSegModel.forward');
      imageEmbeds = image_embeds;
      visionOutput = output;
    } else {
      imageEmbeds = await imageFeatures(this.bundle, px, options);
    }
    let textOutput: BaseModelOutputWithPooling | undefined;
    let textEmbeds: Tensor<'float32'>;
    if (this.bundle.hasGraph('text_model')) {
      const { text_embeds, ...output } = await runTextModel(this.bundle, text, options, 'CLIPSegModel.forward');
      textEmbeds = text_embeds;
      textOutput = output;
    } else {
      textEmbeds = await textFeatures(this.bundle, text, options.signal);
    }
    this.checkLive(options.signal);
    const normalizedText = l2NormalizeRows(textEmbeds);
    const normalizedImage = l2NormalizeRows(imageEmbeds);
    const logitsPerText = scaledSimilarity(normalizedText, normalizedImage, Math.fround(Math.exp(scale)));
    return {
      logits_per_image: transpose2d(logitsPerText),
      logits_per_text: logitsPerText,
      text_embeds: normalizedText,
      image_embeds: normalizedImage,
      ...(textOutput === undefined ? {} : { text_model_output: textOutput }),
      ...(visionOutput === undefined ? {} : { vision_model_output: visionOutput }),
    };
  }
}
