import { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { readText, type FileSet } from '../loading/file-set.js';
import { loadTokenizer } from '../loading/load-tokenizer.js';
import type { ImageAdapter } from '../pipeline/image-adapter.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { batchEncodingToTensors } from '../tokenizer/batch-encoding.js';
import type { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { HFModelError } from './hf-error.js';

/** HF tokenizer `padding`: `true`/`'longest'` pads to the longest text, `'max_length'` to `max_length`; `false`/`'do_not_pad'` (default) does not pad. */
export type ProcessorPadding = boolean | 'longest' | 'max_length' | 'do_not_pad';

/** HF tokenizer `truncation`: `true`/`'longest_first'`/`'only_first'` cut to `max_length`; `false`/`'do_not_truncate'` do not. */
export type ProcessorTruncation = boolean | 'longest_first' | 'only_first' | 'do_not_truncate';

/**
 * What {@link CLIPSegProcessor.call} takes, as HF `CLIPSegProcessor.__call__`: texts or a visual prompt (not both),
 * and/or query images, plus the tokenizer's padding and truncation options.
 */
export interface CLIPSegProcessorInputs<I> {
  /** One text or a batch of texts (the prompts). */
  readonly text?: string | readonly string[];
  /** One query image or a batch of them. */
  readonly images?: I | readonly I[];
  /** One example image (visual prompt) or a batch of them; excludes `text`. */
  readonly visual_prompt?: I | readonly I[];
  /** Padding of the texts (default `false`, as in HF: texts of different lengths then need `padding: true`). */
  readonly padding?: ProcessorPadding;
  /**
   * Truncation of the texts to `max_length` (default: none, as in HF — except that, as in HF, giving `max_length`
   * without `padding` and without `truncation` truncates).
   */
  readonly truncation?: ProcessorTruncation;
  /** Length for `padding: 'max_length'` and truncation; default the tokenizer's `model_max_length` (77). */
  readonly max_length?: number;
}

/** What {@link CLIPSegProcessor.call} returns: the model inputs, named as HF names them. */
export interface CLIPSegProcessorOutput {
  /** Token ids `[texts, sequence]` (with `text`). */
  readonly input_ids?: Tensor<'int64'>;
  /** 1 for tokens, 0 for padding (with `text`). */
  readonly attention_mask?: Tensor<'int64'>;
  /** Query images `[images, channels, height, width]` (with `images`). */
  readonly pixel_values?: Tensor<'float32'>;
  /** Visual prompts `[prompts, channels, height, width]` (with `visual_prompt` and `images`, or `visual_prompt` alone). */
  readonly conditional_pixel_values?: Tensor<'float32'>;
}

/** What a {@link CLIPSegProcessor} is made of. */
export interface CLIPSegProcessorOptions<I> {
  /** HF `tokenizer`: the CLIP tokenizer. */
  readonly tokenizer: CLIPTokenizer;
  /** HF `image_processor`: the ViT image processor config the adapter applies. */
  readonly imageProcessorConfig: ViTImageProcessorConfig;
  /** How images become `pixel_values` (`rasterImageAdapter` from `@clipseg/processor`); needed for images only. */
  readonly images?: ImageAdapter<I, unknown>;
}

const PADDINGS: readonly unknown[] = [true, false, 'longest', 'max_length', 'do_not_pad'];
const TRUNCATIONS: readonly unknown[] = [true, false, 'longest_first', 'only_first', 'do_not_truncate'];

const asList = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? (value as readonly T[]) : [value as T]);

/**
 * HF `CLIPSegProcessor`: texts, query images and visual prompts → the inputs of the CLIPSeg models
 * (`input_ids`, `attention_mask`, `pixel_values`, `conditional_pixel_values`). Images are opaque here: the injected
 * {@link ImageAdapter} (the pipeline's) runs HF's `ViTImageProcessor`.
 *
 * @example
 * ```ts
 * const processor = await CLIPSegProcessor.fromPretrained(files, { images: rasterImageAdapter });
 * const inputs = await processor.call({ text: ['a cat', 'a remote'], images: [photo, photo], padding: true });
 * const { logits } = await model.forward(inputs);
 * ```
 */
export class CLIPSegProcessor<I = never> {
  /** HF `processor.tokenizer`. */
  readonly tokenizer: CLIPTokenizer;
  /** HF `processor.image_processor` (its config). */
  readonly imageProcessorConfig: ViTImageProcessorConfig;
  readonly #images: ImageAdapter<I, unknown> | undefined;

  /** @throws {@link HFModelError} `HF_INVALID_OPTIONS` for a malformed argument */
  constructor(options: CLIPSegProcessorOptions<I>) {
    if (typeof options !== 'object' || options === null || typeof options.tokenizer?.call !== 'function' || !(options.imageProcessorConfig instanceof ViTImageProcessorConfig)) {
      throw new HFModelError('HF_INVALID_OPTIONS', 'CLIPSegProcessor takes { tokenizer: CLIPTokenizer, imageProcessorConfig: ViTImageProcessorConfig, images?: ImageAdapter }.');
    }
    const images = options.images;
    if (images !== undefined && typeof images?.preprocess !== 'function') {
      throw new HFModelError('HF_INVALID_OPTIONS', 'images must be an ImageAdapter: an object with preprocess(images, config) (see @clipseg/processor).');
    }
    this.tokenizer = options.tokenizer;
    this.imageProcessorConfig = options.imageProcessorConfig;
    this.#images = images;
  }

  /**
   * HF `CLIPSegProcessor.from_pretrained`: reads `preprocessor_config.json` and the tokenizer files of a bundle or
   * an HF checkpoint folder.
   *
   * @throws {@link HFModelError} `HF_FILE_MISSING`; `ConfigError`, `TokenizerFilesError`, `TokenizerError` for bad files
   */
  static async fromPretrained<I = never>(files: FileSet, options: { readonly images?: ImageAdapter<I, unknown> } = {}): Promise<CLIPSegProcessor<I>> {
    const text = await readText(files, 'preprocessor_config.json');
    if (text === undefined) {
      throw new HFModelError('HF_FILE_MISSING', `${files.location} has no preprocessor_config.json; pass a converted bundle or an HF CLIPSeg checkpoint folder.`);
    }
    const tokenizer = await loadTokenizer(files);
    return new CLIPSegProcessor<I>({ tokenizer, imageProcessorConfig: ViTImageProcessorConfig.fromJSON(text), ...(options.images === undefined ? {} : { images: options.images }) });
  }

  /**
   * HF `processor(text=…, images=…, visual_prompt=…, padding=…, truncation=…, max_length=…, return_tensors="pt")`.
   * Returns, as HF does: `text` + `images` → `input_ids`, `attention_mask`, `pixel_values`; `visual_prompt` +
   * `images` → `pixel_values`, `conditional_pixel_values`; `text` alone → `input_ids`, `attention_mask`;
   * `visual_prompt` alone → `conditional_pixel_values`; `images` alone → `pixel_values`.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT` ("You have to specify either text, visual prompt or images."),
   *   `HF_CONFLICTING_INPUTS` ("You have to specify exactly one type of prompt. Either text or visual prompt."),
   *   `HF_PADDING_REQUIRED` (texts of different lengths without padding), `HF_INVALID_OPTIONS`, `HF_INVALID_INPUT`,
   *   `HF_NO_IMAGE_ADAPTER`, `HF_ADAPTER_INVALID`; `TokenizerError` for non-string texts
   */
  async call(inputs: CLIPSegProcessorInputs<I>): Promise<CLIPSegProcessorOutput> {
    if (typeof inputs !== 'object' || inputs === null) throw new HFModelError('HF_INVALID_INPUT', 'call() takes an object: { text?, images?, visual_prompt?, padding?, truncation?, max_length? }.');
    const { text, images, visual_prompt: visualPrompt } = inputs;
    if (text === undefined && images === undefined && visualPrompt === undefined) {
      throw new HFModelError('HF_MISSING_INPUT', 'You have to specify either text, visual prompt or images.');
    }
    if (text !== undefined && visualPrompt !== undefined) {
      throw new HFModelError('HF_CONFLICTING_INPUTS', 'You have to specify exactly one type of prompt. Either text or visual prompt.');
    }
    const encoding = text === undefined ? {} : this.#tokenize(text, inputs);
    const pixelValues = images === undefined ? undefined : await this.#pixels(images, 'images');
    const conditional = visualPrompt === undefined ? undefined : await this.#pixels(visualPrompt, 'visual_prompt');
    return {
      ...encoding,
      ...(pixelValues === undefined ? {} : { pixel_values: pixelValues }),
      ...(conditional === undefined ? {} : { conditional_pixel_values: conditional }),
    };
  }

  #tokenize(text: string | readonly string[], inputs: CLIPSegProcessorInputs<I>): { input_ids: Tensor<'int64'>; attention_mask: Tensor<'int64'> } {
    const { padding, truncation, max_length: maxLength } = inputs;
    if (!PADDINGS.includes(padding ?? false)) throw new HFModelError('HF_INVALID_OPTIONS', `padding must be true, false, 'longest', 'max_length' or 'do_not_pad', got ${JSON.stringify(padding)}.`);
    if (truncation !== undefined && !TRUNCATIONS.includes(truncation)) {
      throw new HFModelError('HF_INVALID_OPTIONS', `truncation must be true, false, 'longest_first', 'only_first' or 'do_not_truncate', got ${JSON.stringify(truncation)}.`);
    }
    if (maxLength !== undefined && (!Number.isSafeInteger(maxLength) || maxLength < 2)) {
      throw new HFModelError('HF_INVALID_OPTIONS', `max_length must be an integer ≥ 2 (room for begin- and end-of-text), got ${String(maxLength)}.`);
    }
    const texts = asList(text);
    if (texts.length === 0) throw new HFModelError('HF_INVALID_INPUT', 'text must be a string or a non-empty array of strings.');
    const pad = padding === true || padding === 'longest' ? 'longest' : padding === 'max_length' ? 'max_length' : false;
    // HF: max_length given with neither padding nor truncation → 'longest_first' truncation.
    const truncate = truncation === undefined ? maxLength !== undefined && pad === false : truncation !== false && truncation !== 'do_not_truncate';
    const encoding = this.tokenizer.call(texts, { padding: pad, truncation: truncate, ...(maxLength === undefined ? {} : { maxLength }) });
    const lengths = encoding.inputIds.map((row) => row.length);
    if (lengths.some((n) => n !== lengths[0])) {
      throw new HFModelError(
        'HF_PADDING_REQUIRED',
        `The texts tokenize to different lengths (${lengths.join(', ')}), so they cannot form one tensor. Pass padding: true (or 'max_length', with truncation: true for texts longer than max_length).`,
        { details: { lengths } },
      );
    }
    const tensors = batchEncodingToTensors(encoding);
    return { input_ids: tensors.input_ids, attention_mask: tensors.attention_mask };
  }

  async #pixels(value: I | readonly I[], name: string): Promise<Tensor<'float32'>> {
    const adapter = this.#images;
    if (adapter === undefined) {
      throw new HFModelError('HF_NO_IMAGE_ADAPTER', `${name} were given, but this processor has no image adapter. Pass { images } (for example rasterImageAdapter from @clipseg/processor).`);
    }
    const list = asList(value);
    if (list.length === 0) throw new HFModelError('HF_INVALID_INPUT', `${name} must be an image or a non-empty array of images.`);
    const pixels = await adapter.preprocess(list, this.imageProcessorConfig);
    const channels = this.imageProcessorConfig.image_mean.length;
    const ok = isTensor(pixels) && pixels.type === 'float32' && pixels.dims.length === 4 && pixels.dims[0] === list.length && pixels.dims[1] === channels;
    if (!ok) {
      const got = isTensor(pixels) ? `${pixels.type} [${pixels.dims.join(', ')}]` : String(pixels);
      throw new HFModelError('HF_ADAPTER_INVALID', `The image adapter's preprocess() returned ${got} for ${list.length} image(s); expected float32 [${list.length}, ${channels}, height, width].`);
    }
    return pixels as Tensor<'float32'>;
  }
}
