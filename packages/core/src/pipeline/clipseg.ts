import type { AbortSignalLike, Backend, Session, SessionInfo } from '../backend/backend.js';
import { throwIfAborted } from '../bundle/bundle-files.js';
import type { BundleManifest } from '../bundle/bundle-manifest.js';
import { activationName, DECODER_CONDITION, DECODER_OUTPUT, PROJECTOR_INPUT, PROJECTOR_OUTPUT, projectorActivationIndex, VISION_INPUT, type BundleGraphName } from '../bundle/graph-names.js';
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import type { ImageSize, ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { isCLIPSegError } from '../errors.js';
import type { FileSet } from '../loading/file-set.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import type { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { runInBatches, sliceRows } from './batched-rows.js';
import { checkLoadOptions, DEFAULT_TEXT_CACHE_SIZE, invalidOption, type CLIPSegLoadOptions, type PipelineCallOptions, type Prompts } from './clipseg-options.js';
import { float32Output } from './graph-io.js';
import { handleActivations, ImageHandle } from './image-handle.js';
import type { ImageAdapter } from './image-adapter.js';
import { createGraphSession, loadBundle, type EagerGraphName, type LoadBundleOptions } from './load-bundle.js';
import { PipelineError } from './pipeline-error.js';
import { PIPELINE_LIMITS, RUN_BATCH } from './pipeline-limits.js';
import { createStats, type PipelineStats } from './pipeline-stats.js';
import { parsePrompts, type PromptNode } from './prompt.js';
import { combineEmbeddings, planPrompts, type ImagePromptNode } from './prompt-plan.js';
import { SegmentationResult } from './segmentation-result.js';
import { TextEmbedder } from './text-embedder.js';

export type { CLIPSegLoadOptions, PipelineCallOptions, Prompts } from './clipseg-options.js';

/**
 * CLIPSeg segmentation over an ONNX bundle (see `@clipseg/convert`), on any {@link Backend}. `I` is the image
 * type and `M` the mask type of the injected {@link ImageAdapter}.
 *
 * Each call batches its work: the text prompts in text_encoder runs of up to 64, the image prompts in
 * vision_encoder and image_projector runs of up to 8, then decoder runs of up to 16 prompts against the image's
 * activations, assembled into one result (the same as one big run: rows never mix). A call takes at most
 * `PIPELINE_LIMITS` prompts (256 for `segment`), so its memory stays bounded. Encode an image once
 * ({@link CLIPSeg.encodeImage}) and segment it with as many prompt sets as needed.
 *
 * @example
 * ```ts
 * const seg = await CLIPSeg.load(files, backend, { images: rasterImageAdapter });
 * const image = await seg.encodeImage(photo);
 * const result = await seg.segment(image, ['a cat', { image: example, box }]);
 * const probabilities = result.probabilitiesFor(0); // [height × width] at the model's resolution
 * image.dispose();
 * ```
 */
export class CLIPSeg<I = never, M = I> {
  /** The model's configuration (`config.json`). */
  readonly config: CLIPSegConfig;
  /** The image preprocessing (`preprocessor_config.json`), handed to the adapter. */
  readonly preprocessorConfig: ViTImageProcessorConfig;
  /** The bundle's tokenizer. */
  readonly tokenizer: CLIPTokenizer;
  /** The bundle's manifest. */
  readonly manifest: BundleManifest;

  readonly #files: FileSet;
  readonly #backend: Backend;
  readonly #loadOptions: LoadBundleOptions;
  readonly #images: ImageAdapter<I, M> | undefined;
  readonly #sessions: Readonly<Record<EagerGraphName, Session>>;
  #projector: Promise<Session> | undefined;
  #projectorSession: Session | undefined;
  readonly #text: TextEmbedder;
  readonly #owner: { disposed: boolean } = { disposed: false };
  #stats: PipelineStats = createStats();
  #disposing: Promise<void> | undefined;

  private constructor(files: FileSet, backend: Backend, loaded: Awaited<ReturnType<typeof loadBundle>>, options: CLIPSegLoadOptions<I, M>, loadOptions: LoadBundleOptions) {
    this.config = loaded.config;
    this.preprocessorConfig = loaded.preprocessorConfig;
    this.tokenizer = loaded.tokenizer;
    this.manifest = loaded.manifest;
    this.#files = files;
    this.#backend = backend;
    this.#loadOptions = { ...loadOptions, signal: undefined };
    this.#images = options.images;
    this.#sessions = loaded.sessions;
    const onWarning = options.onWarning ?? (() => undefined);
    this.#text = new TextEmbedder({
      tokenizer: loaded.tokenizer,
      maxLength: Math.min(loaded.tokenizer.modelMaxLength, loaded.config.text_config.max_position_embeddings),
      projectionDim: loaded.config.projection_dim,
      cacheSize: options.textCacheSize ?? DEFAULT_TEXT_CACHE_SIZE,
      run: (feeds, fetches, signal) => this.#run('text_encoder', feeds, fetches, signal),
      onWarning,
      onCacheHits: (hits) => (this.#stats.textCacheHits += hits),
    });
  }

  /**
   * Loads a bundle: reads and checks `manifest.json`, `config.json`, `preprocessor_config.json` and the tokenizer,
   * verifies the files (`verify`), and creates the text_encoder, vision_encoder and decoder sessions, checking
   * each session's inputs and outputs against the manifest. The image_projector is created on the first image
   * prompt.
   *
   * @throws {@link BundleError} `BUNDLE_NOT_FOUND`, `BUNDLE_FILE_MISSING`, `BUNDLE_INTEGRITY`,
   *   `BUNDLE_VERSION_UNSUPPORTED` …; `ConfigError`, `TokenizerError`, `TokenizerFilesError` for bad HF files;
   *   {@link PipelineError} `PIPELINE_GRAPH_MISMATCH`, `PIPELINE_BUNDLE_MISMATCH`, `PIPELINE_INVALID_OPTIONS`,
   *   `PIPELINE_ABORTED`; the backend's `BACKEND_INVALID_MODEL`
   */
  static async load<I = never, M = I>(files: FileSet, backend: Backend, options: CLIPSegLoadOptions<I, M> = {}): Promise<CLIPSeg<I, M>> {
    checkLoadOptions(options as CLIPSegLoadOptions<unknown, unknown>);
    const loadOptions: LoadBundleOptions = { verify: options.verify ?? 'size', sessionOptions: options.sessionOptions, signal: options.signal };
    const loaded = await loadBundle(files, backend, loadOptions);
    return new CLIPSeg<I, M>(files, backend, loaded, options, loadOptions);
  }

  /** Where each graph's session runs; the image_projector is absent until the first image prompt loads it. */
  get sessionInfo(): Readonly<Partial<Record<BundleGraphName, SessionInfo>>> {
    const info: Partial<Record<BundleGraphName, SessionInfo>> = {
      text_encoder: this.#sessions.text_encoder.info,
      vision_encoder: this.#sessions.vision_encoder.info,
      decoder: this.#sessions.decoder.info,
    };
    if (this.#projectorSession !== undefined) info.image_projector = this.#projectorSession.info;
    return info;
  }

  /** Run counters since load or the last {@link CLIPSeg.resetStats}, as a snapshot. */
  get stats(): Readonly<PipelineStats> {
    return Object.freeze({ ...this.#stats });
  }

  /** Zeroes {@link CLIPSeg.stats}. */
  resetStats(): void {
    this.#stats = createStats();
  }

  /** True once {@link CLIPSeg.dispose} was called. */
  get disposed(): boolean {
    return this.#owner.disposed;
  }

  /** Encodes one image (one vision_encoder run); see {@link CLIPSeg.encodeImages}. */
  async encodeImage(image: I, options: PipelineCallOptions = {}): Promise<ImageHandle> {
    const [handle] = await this.encodeImages([image], options);
    return handle!;
  }

  /**
   * Encodes images (vision_encoder runs of up to 8) and splits the activations into one {@link ImageHandle} per
   * image. At most `PIPELINE_LIMITS.maxImagesPerCall` (64) images per call: each handle keeps its activations.
   *
   * @throws {@link PipelineError} `PIPELINE_TOO_MANY_IMAGES`, `PIPELINE_NO_IMAGE_ADAPTER`, `PIPELINE_ADAPTER_INVALID`,
   *   `PIPELINE_DISPOSED`, `PIPELINE_ABORTED`; backend errors
   */
  async encodeImages(images: readonly I[], options: PipelineCallOptions = {}): Promise<ImageHandle[]> {
    this.#checkLive(options.signal);
    if (!Array.isArray(images)) throw invalidOption('encodeImages() takes an array of images.');
    if (images.length === 0) return [];
    const max = PIPELINE_LIMITS.maxImagesPerCall;
    if (images.length > max) {
      throw new PipelineError(
        'PIPELINE_TOO_MANY_IMAGES',
        `encodeImages() got ${images.length} images, more than the ${max} one call takes (PIPELINE_LIMITS.maxImagesPerCall: each handle keeps its image's activations). Encode them in calls of at most ${max}, disposing handles you are done with.`,
        { details: { count: images.length, max } },
      );
    }
    const adapter = this.#adapter();
    const sizes = images.map((image, i) => this.#imageSize(adapter, image, i));
    const count = this.config.extract_layers.length;
    const names = Array.from({ length: count }, (_, i) => activationName(i));
    const perImage = images.map(() => [] as Tensor<'float32'>[]);
    for (let start = 0; start < images.length; start += RUN_BATCH.vision) {
      const batch = images.slice(start, start + RUN_BATCH.vision);
      const outputs = await this.#runVision(batch, names, options.signal);
      for (const name of names) {
        const tensor = float32Output(outputs, 'vision_encoder', name, [batch.length, undefined, undefined]);
        const [, tokens, width] = tensor.dims as [number, number, number];
        const size = tokens * width;
        batch.forEach((_, i) => perImage[start + i]!.push(createTensor('float32', [1, tokens, width], tensor.data.slice(i * size, (i + 1) * size))));
      }
    }
    return perImage.map((activations, i) => new ImageHandle(this.#owner, sizes[i]!, activations));
  }

  /**
   * Segments an encoded image with the given prompts (at most `PIPELINE_LIMITS.maxSegmentPrompts`, 256): texts,
   * example images, embeddings and mixes, batched as the class description says, then decoder runs of up to 16
   * prompts whose logits are assembled into one result.
   *
   * @throws {@link PipelineError} `PIPELINE_HANDLE_DISPOSED`, `PIPELINE_HANDLE_FOREIGN`, the prompt errors of
   *   {@link CLIPSeg.embed}, `PIPELINE_OUTPUT_INVALID`, `PIPELINE_DISPOSED`, `PIPELINE_ABORTED`; backend errors
   */
  async segment(handle: ImageHandle, prompts: Prompts<I, M>, options: PipelineCallOptions = {}): Promise<SegmentationResult> {
    this.#checkLive(options.signal);
    handleActivations(handle, this.#owner);
    return this.#segment(handle, parsePrompts<I, M>(prompts, this.config.projection_dim, 'segment'), options);
  }

  /** Encodes `image`, segments it and disposes the handle: {@link CLIPSeg.encodeImage} + {@link CLIPSeg.segment}. */
  async segmentImage(image: I, prompts: Prompts<I, M>, options: PipelineCallOptions = {}): Promise<SegmentationResult> {
    this.#checkLive(options.signal);
    // Parsed once, before running the vision tower: bad prompts are refused first, and what runs is what was checked.
    const nodes = parsePrompts<I, M>(prompts, this.config.projection_dim, 'segment');
    const handle = await this.encodeImage(image, options);
    try {
      this.#checkLive(options.signal);
      return await this.#segment(handle, nodes, options);
    } finally {
      handle.dispose();
    }
  }

  /**
   * The conditional embeddings of the prompts (at most `PIPELINE_LIMITS.maxEmbedPrompts`, 4096), float32
   * `[prompts, projection_dim]`: what the decoder is given.
   *
   * @throws {@link PipelineError} `PIPELINE_EMPTY_PROMPTS`, `PIPELINE_TOO_MANY_PROMPTS`, `PIPELINE_EMPTY_PROMPT`, `PIPELINE_PROMPT_INVALID`,
   *   `PIPELINE_EMBEDDING_SIZE`, `PIPELINE_NO_IMAGE_ADAPTER`, `PIPELINE_NO_ENGINEER`, `PIPELINE_DISPOSED`,
   *   `PIPELINE_ABORTED`; backend errors
   */
  async embed(prompts: Prompts<I, M>, options: PipelineCallOptions = {}): Promise<Tensor<'float32'>> {
    this.#checkLive(options.signal);
    return this.#conditionalEmbeddings(parsePrompts<I, M>(prompts, this.config.projection_dim, 'embed'), options.signal);
  }

  /**
   * The vision activations of an encoded image, `activation_k` `[1, tokens, hidden]` in `extract_layers` order: what
   * the decoder reads, for training a decoder on cached activations (`@clipseg/train`). The tensors are the handle's
   * own; treat them as read-only.
   *
   * @throws {@link PipelineError} `PIPELINE_HANDLE_DISPOSED`, `PIPELINE_HANDLE_FOREIGN`, `PIPELINE_DISPOSED`
   */
  activations(handle: ImageHandle): readonly Tensor<'float32'>[] {
    this.#checkLive(undefined);
    return handleActivations(handle, this.#owner);
  }

  /**
   * Disposes every session, the text cache and (in effect) every handle; later calls reject with
   * `PIPELINE_DISPOSED`. Idempotent; calls in flight reject with `PIPELINE_DISPOSED` too.
   */
  dispose(): Promise<void> {
    if (this.#disposing !== undefined) return this.#disposing;
    this.#owner.disposed = true;
    this.#text.clear();
    // A projector still being created disposes itself when it arrives (see #imageProjector); don't wait for it.
    const sessions: Session[] = [...Object.values(this.#sessions)];
    if (this.#projectorSession !== undefined) sessions.push(this.#projectorSession);
    this.#disposing = Promise.allSettled(sessions.map((s) => s.dispose())).then(() => undefined);
    return this.#disposing;
  }

  /** Segments a live handle with prompts already parsed (see {@link CLIPSeg.segment}). */
  async #segment(handle: ImageHandle, nodes: readonly PromptNode<I, M>[], options: PipelineCallOptions): Promise<SegmentationResult> {
    const conditional = await this.#conditionalEmbeddings(nodes, options.signal);
    const activations = handleActivations(handle, this.#owner);
    const logits = await runInBatches(conditional.dims[0]!, RUN_BATCH.decoder, 'decoder', async (start, end) => {
      const rows = start === 0 && end === conditional.dims[0] ? conditional : sliceRows(conditional, start, end);
      const feeds: Record<string, Tensor> = { [DECODER_CONDITION]: rows };
      activations.forEach((tensor, i) => (feeds[activationName(i)] = tensor));
      const outputs = await this.#run('decoder', feeds, [DECODER_OUTPUT], options.signal);
      return float32Output(outputs, 'decoder', DECODER_OUTPUT, [end - start, undefined, undefined]);
    });
    return new SegmentationResult(logits, conditional, handle.imageSize, handle.id);
  }

  async #conditionalEmbeddings(nodes: readonly PromptNode<I, M>[], signal: AbortSignalLike | undefined): Promise<Tensor<'float32'>> {
    const dim = this.config.projection_dim;
    const plan = planPrompts(nodes);
    if (plan.images.length > 0) this.#adapter();
    const missingEngineer = plan.images.find((p) => p.mode !== 'none') !== undefined && typeof this.#images?.engineer !== 'function';
    if (missingEngineer) {
      throw new PipelineError(
        'PIPELINE_NO_ENGINEER',
        "An image prompt asks for visual prompt engineering (a mode other than 'none'), but the image adapter has no engineer(). Use an adapter that implements it (@clipseg/processor's does), or pass mode: 'none'.",
      );
    }
    const texts = plan.texts.length > 0 ? await this.#text.embed(plan.texts, signal) : new Map<string, Float32Array>();
    const images = plan.images.length > 0 ? await this.#embedImages(plan.images, signal) : new Map<ImagePromptNode<I, M>, Float32Array>();
    this.#checkLive(signal);
    return createTensor('float32', [nodes.length, dim], combineEmbeddings(nodes, texts, images, dim));
  }

  async #embedImages(prompts: readonly ImagePromptNode<I, M>[], signal: AbortSignalLike | undefined): Promise<Map<ImagePromptNode<I, M>, Float32Array>> {
    const adapter = this.#adapter();
    const k = projectorActivationIndex(this.config.extract_layers);
    const dim = this.config.projection_dim;
    const embeddings = new Map<ImagePromptNode<I, M>, Float32Array>();
    for (let start = 0; start < prompts.length; start += RUN_BATCH.vision) {
      const batch = prompts.slice(start, start + RUN_BATCH.vision);
      const engineered: I[] = [];
      for (const p of batch) {
        if (p.mode === 'none') engineered.push(p.image);
        else engineered.push(await adapter.engineer!(p.image, { mask: p.mask, box: p.box, mode: p.mode }));
        this.#checkLive(signal);
      }
      const vision = await this.#runVision(engineered, [activationName(k)], signal);
      const hidden = float32Output(vision, 'vision_encoder', activationName(k), [batch.length, undefined, undefined]);
      const projected = await this.#run('image_projector', { [PROJECTOR_INPUT]: hidden }, [PROJECTOR_OUTPUT], signal);
      const embeds = float32Output(projected, 'image_projector', PROJECTOR_OUTPUT, [batch.length, dim]);
      batch.forEach((p, i) => embeddings.set(p, embeds.data.slice(i * dim, (i + 1) * dim)));
    }
    return embeddings;
  }

  async #runVision(images: readonly I[], fetches: readonly string[], signal: AbortSignalLike | undefined): Promise<Record<string, Tensor>> {
    const pixels = await this.#adapter().preprocess(images, this.preprocessorConfig);
    this.#checkLive(signal);
    const { height, width } = this.manifest.imageSize;
    const channels = this.config.vision_config.num_channels;
    const ok = pixels?.type === 'float32' && pixels.dims.length === 4 && pixels.dims[0] === images.length && pixels.dims[1] === channels;
    if (!ok || pixels.dims[2] !== height || pixels.dims[3] !== width) {
      const got = pixels?.type === undefined ? String(pixels) : `${pixels.type} [${pixels.dims.join(', ')}]`;
      throw new PipelineError(
        'PIPELINE_ADAPTER_INVALID',
        `The image adapter's preprocess() returned ${got} for ${images.length} image(s); the vision encoder takes float32 [${images.length}, ${channels}, ${height}, ${width}].`,
        { details: { expected: [images.length, channels, height, width], actual: pixels?.dims === undefined ? null : [...pixels.dims] } },
      );
    }
    return this.#run('vision_encoder', { [VISION_INPUT]: pixels }, fetches, signal);
  }

  async #run(graph: BundleGraphName, feeds: Record<string, Tensor>, fetches: readonly string[], signal: AbortSignalLike | undefined): Promise<Record<string, Tensor>> {
    this.#checkLive(signal);
    const session = graph === 'image_projector' ? await this.#imageProjector() : this.#sessions[graph];
    this.#checkLive(signal);
    let outputs: Record<string, Tensor>;
    try {
      outputs = await session.run(feeds, fetches, signal === undefined ? undefined : { signal });
    } catch (error) {
      if (this.#owner.disposed) throw this.#disposedError(error);
      if (isCLIPSegError(error, 'BACKEND_ABORTED') || signal?.aborted) {
        throw new PipelineError('PIPELINE_ABORTED', `The ${graph} run was aborted.`, { cause: error });
      }
      throw error;
    }
    this.#checkLive(signal);
    const counter = ({ text_encoder: 'textRuns', vision_encoder: 'visionRuns', image_projector: 'projectorRuns', decoder: 'decoderRuns' } as const)[graph];
    this.#stats[counter]++;
    return outputs;
  }

  #imageProjector(): Promise<Session> {
    if (this.#projector === undefined) {
      const creating = createGraphSession(this.#files, this.#backend, this.manifest, 'image_projector', this.#loadOptions);
      this.#projector = creating.then(
        async (session) => {
          if (this.#owner.disposed) {
            await session.dispose();
            throw this.#disposedError();
          }
          this.#projectorSession = session;
          return session;
        },
        (error: unknown) => {
          this.#projector = undefined; // let a later call retry
          throw error;
        },
      );
    }
    return this.#projector;
  }

  #adapter(): ImageAdapter<I, M> {
    if (this.#images === undefined) {
      throw new PipelineError('PIPELINE_NO_IMAGE_ADAPTER', 'This pipeline was loaded without an image adapter, so it cannot take images. Pass { images } to CLIPSeg.load (for example from @clipseg/processor).');
    }
    return this.#images;
  }

  #imageSize(adapter: ImageAdapter<I, M>, image: I, index: number): ImageSize {
    const size = adapter.size(image);
    const ok = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
    if (typeof size !== 'object' || size === null || !ok(size.width) || !ok(size.height)) {
      throw new PipelineError('PIPELINE_ADAPTER_INVALID', `The image adapter's size() returned ${JSON.stringify(size)} for image ${index}; expected { width, height } positive integers.`);
    }
    return { width: size.width, height: size.height };
  }

  #checkLive(signal: AbortSignalLike | undefined): void {
    if (this.#owner.disposed) throw this.#disposedError();
    throwIfAborted(signal);
  }

  #disposedError(cause?: unknown): PipelineError {
    return new PipelineError('PIPELINE_DISPOSED', 'This CLIPSeg pipeline was disposed; load a new one.', cause === undefined ? undefined : { cause });
  }
}

