import { checkFloat32Output } from '../tensor/float32-output.js';
import type { AbortSignalLike, Backend, Session, SessionOptions } from '../backend/backend.js';
import { BUNDLE_VERIFICATIONS, readVerified, type BundleVerification } from '../bundle/bundle-files.js';
import type { BundleGraphEntry, BundleManifest } from '../bundle/bundle-manifest.js';
import { POSITION_EMBEDDINGS_TENSOR, type AnyBundleGraphName } from '../bundle/graph-names.js';
import { openBundle, type OpenedBundle } from '../bundle/open-bundle.js';
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import type { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { isCLIPSegError } from '../errors.js';
import { bytesSource } from '../io/byte-source.js';
import type { FileSet } from '../loading/file-set.js';
import { openSafetensors } from '../safetensors/reader.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { checkOptionalContracts } from './hf-graphs.js';
import { HFModelError } from './hf-error.js';

/** Options of {@link HFBundle.load} and of every HF class's `fromBundle`. */
export interface HFBundleLoadOptions {
  /** How much to check each file against `manifest.json` when it is read (default `'size'`). */
  readonly verify?: BundleVerification;
  /** Passed to every `backend.createSession`. */
  readonly sessionOptions?: SessionOptions;
  /** Cancels loading; the promise then rejects with `PIPELINE_ABORTED`. */
  readonly signal?: AbortSignalLike;
  /**
   * The learnt `logit_scale` (before `exp`) for bundles that do not record it (format 1); overrides the manifest's.
   * Only {@link CLIPSegModel.forward} uses it.
   */
  readonly logitScale?: number;
}

function invalidOption(message: string): HFModelError {
  return new HFModelError('HF_INVALID_OPTIONS', message);
}

/**
 * An ONNX bundle opened for the HF model classes: the manifest, the configs and the tokenizer, read and checked
 * at load; graph sessions created on first use and shared by every class built on this bundle. Several classes
 * can share one bundle (`new CLIPSegModel(bundle)`, `new CLIPSegForImageSegmentation(bundle)`): each graph is
 * then loaded once.
 */
export class HFBundle {
  /** `manifest.json`. */
  readonly manifest: BundleManifest;
  /** `config.json`. */
  readonly config: CLIPSegConfig;
  /** `preprocessor_config.json`. */
  readonly preprocessorConfig: ViTImageProcessorConfig;
  /** The bundle's tokenizer. */
  readonly tokenizer: CLIPTokenizer;
  /** The checkpoint's `logit_scale` (before `exp`): the `logitScale` option, else the manifest's; `undefined` for format-1 bundles. */
  readonly logitScale: number | undefined;

  readonly #files: FileSet;
  readonly #backend: Backend;
  readonly #verify: BundleVerification;
  readonly #sessionOptions: SessionOptions | undefined;
  readonly #sessions = new Map<AnyBundleGraphName, Promise<Session>>();
  readonly #created: Session[] = [];
  #positionTable: Promise<Float32Array> | undefined;
  #disposed = false;

  private constructor(init: OpenedBundle & { files: FileSet; backend: Backend; options: HFBundleLoadOptions }) {
    this.manifest = init.manifest;
    this.config = init.config;
    this.preprocessorConfig = init.preprocessorConfig;
    this.tokenizer = init.tokenizer;
    this.logitScale = init.options.logitScale ?? init.manifest.logitScale;
    this.#files = init.files;
    this.#backend = init.backend;
    this.#verify = init.options.verify ?? 'size';
    this.#sessionOptions = init.options.sessionOptions;
  }

  /**
   * Opens the bundle ({@link openBundle}: `manifest.json` format 1 or 2, `config.json`, `preprocessor_config.json`
   * and the tokenizer, read and checked) and checks the contracts of its optional graphs; creates no session
   * (graphs load on first use).
   *
   * @throws {@link BundleError} (`BUNDLE_NOT_FOUND`, `BUNDLE_FILE_MISSING`, `BUNDLE_INTEGRITY`,
   *   `BUNDLE_VERSION_UNSUPPORTED` …), `ConfigError`, `TokenizerFilesError`, `PipelineError`
   *   (`PIPELINE_BUNDLE_MISMATCH`, `PIPELINE_GRAPH_MISMATCH`, `PIPELINE_ABORTED`), {@link HFModelError}
   *   `HF_INVALID_OPTIONS` or `HF_GRAPH_MISMATCH`
   */
  static async load(files: FileSet, backend: Backend, options: HFBundleLoadOptions = {}): Promise<HFBundle> {
    if (typeof options !== 'object' || options === null) throw invalidOption('load options must be an object.');
    if (options.verify !== undefined && !BUNDLE_VERIFICATIONS.includes(options.verify)) {
      throw invalidOption(`verify must be one of ${BUNDLE_VERIFICATIONS.join(', ')}, got ${JSON.stringify(options.verify)}.`);
    }
    if (options.logitScale !== undefined && (typeof options.logitScale !== 'number' || !Number.isFinite(options.logitScale))) {
      throw invalidOption(`logitScale must be a finite number (the checkpoint's clip.logit_scale, before exp), got ${String(options.logitScale)}.`);
    }
    if (typeof backend?.createSession !== 'function') throw invalidOption('backend must be a Backend (an object with createSession).');
    const opened = await openBundle(files, {
      ...(options.verify === undefined ? {} : { verify: options.verify }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      check: checkOptionalContracts,
    });
    return new HFBundle({ ...opened, files, backend, options });
  }

  /** True when the bundle has graph `name` (the four default graphs always; optional ones when converted with them). */
  hasGraph(name: AnyBundleGraphName): boolean {
    return this.manifest.graphs[name] !== undefined;
  }

  /**
   * Throws `HF_GRAPH_MISSING` unless the bundle has graph `name`.
   * @param what - what needs it, for the message (e.g. `CLIPSegTextModel`)
   */
  requireGraph(name: AnyBundleGraphName, what: string): void {
    if (this.hasGraph(name)) return;
    throw new HFModelError(
      'HF_GRAPH_MISSING',
      `${what} needs the '${name}' graph, which this bundle (format ${this.manifest.formatVersion}) does not have. Re-convert the checkpoint with optionalGraphs including '${name}' (convertCheckpoint(files, { optionalGraphs: ['${name}'] })).`,
      { details: { graph: name, formatVersion: this.manifest.formatVersion } },
    );
  }

  /** True once {@link HFBundle.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Runs graph `graph` (creating its session on first use), as `session.run` does, with cancellation and disposal.
   *
   * @throws {@link HFModelError} `HF_GRAPH_MISSING`, `HF_GRAPH_MISMATCH`, `HF_DISPOSED`, `HF_ABORTED`;
   *   {@link BundleError} for a missing or corrupt graph file; backend errors
   */
  async run(graph: AnyBundleGraphName, feeds: Readonly<Record<string, Tensor>>, fetches: readonly string[], signal?: AbortSignalLike): Promise<Record<string, Tensor>> {
    this.checkLive(signal);
    const session = await this.#session(graph);
    this.checkLive(signal);
    try {
      const outputs = await session.run(feeds, fetches, signal === undefined ? undefined : { signal });
      this.checkLive(signal);
      return outputs;
    } catch (error) {
      if (this.#disposed) throw disposedError(error);
      if (isCLIPSegError(error, 'BACKEND_ABORTED') || signal?.aborted) throw new HFModelError('HF_ABORTED', `The ${graph} run was aborted.`, { cause: error });
      throw error;
    }
  }

  /**
   * The checkpoint's vision position-embedding table, `[1 + grid², vision hidden]` row-major, read once from
   * `files.positionEmbeddings` (bundles with the `vision_model` graph).
   *
   * @throws {@link HFModelError} `HF_GRAPH_MISSING` when the bundle has no table; {@link BundleError} for a bad file
   */
  positionTable(): Promise<Float32Array> {
    if (this.#positionTable === undefined) {
      const loading = this.#readPositionTable();
      this.#positionTable = loading;
      loading.catch(() => {
        if (this.#positionTable === loading) this.#positionTable = undefined; // a later call retries
      });
    }
    return this.#positionTable;
  }

  /** Throws `HF_DISPOSED` after {@link HFBundle.dispose}, `HF_ABORTED` when `signal` has aborted. */
  checkLive(signal?: AbortSignalLike): void {
    if (this.#disposed) throw disposedError();
    if (signal?.aborted) throw new HFModelError('HF_ABORTED', 'The operation was aborted.', { cause: signal.reason });
  }

  /** Disposes every session created; later calls reject with `HF_DISPOSED`. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.allSettled(this.#created.map((s) => s.dispose()));
  }

  async #readPositionTable(): Promise<Float32Array> {
    const entry = this.manifest.files.positionEmbeddings;
    if (entry === undefined) this.requireGraph('vision_model', 'Position-embedding interpolation');
    const bytes = await readVerified(this.#files, entry!, this.#verify);
    const reader = await openSafetensors(bytesSource(bytes));
    const vision = this.config.vision_config;
    const dims = [vision.numPositions, vision.hidden_size];
    const info = reader.has(POSITION_EMBEDDINGS_TENSOR) ? reader.info(POSITION_EMBEDDINGS_TENSOR) : undefined;
    if (info === undefined || info.shape.length !== 2 || info.shape[0] !== dims[0] || info.shape[1] !== dims[1]) {
      throw new HFModelError(
        'HF_GRAPH_MISMATCH',
        `${entry!.path} must hold '${POSITION_EMBEDDINGS_TENSOR}' [${dims.join(', ')}] for this config, got ${info === undefined ? 'nothing' : `[${info.shape.join(', ')}]`}. Re-convert the checkpoint.`,
      );
    }
    return reader.readFloat32(POSITION_EMBEDDINGS_TENSOR);
  }

  #session(graph: AnyBundleGraphName): Promise<Session> {
    let session = this.#sessions.get(graph);
    if (session === undefined) {
      const creating = this.#createSession(graph);
      session = creating;
      this.#sessions.set(graph, creating);
      creating.catch(() => {
        if (this.#sessions.get(graph) === creating) this.#sessions.delete(graph); // a later call retries
      });
    }
    return session;
  }

  async #createSession(graph: AnyBundleGraphName): Promise<Session> {
    this.requireGraph(graph, `This call`);
    const entry = this.manifest.graphs[graph]!;
    const bytes = await readVerified(this.#files, entry, this.#verify);
    this.checkLive();
    const session = await this.#backend.createSession(bytes, this.#sessionOptions);
    if (this.#disposed) {
      await session.dispose();
      throw disposedError();
    }
    try {
      checkSessionNames(graph, session, entry);
    } catch (error) {
      await session.dispose();
      throw error;
    }
    this.#created.push(session);
    return session;
  }
}

function disposedError(cause?: unknown): HFModelError {
  return new HFModelError('HF_DISPOSED', 'This model (or the HFBundle it shares) was disposed; load it again.', cause === undefined ? undefined : { cause });
}

function checkSessionNames(graph: AnyBundleGraphName, session: Pick<Session, 'inputNames' | 'outputNames'>, entry: BundleGraphEntry): void {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((n) => a.includes(n));
  const inputs = entry.inputs.map((s) => s.name);
  const outputs = entry.outputs.map((s) => s.name);
  if (!same(session.inputNames, inputs) || !same(session.outputNames, outputs)) {
    throw new HFModelError(
      'HF_GRAPH_MISMATCH',
      `The ${graph} graph (${entry.path}) has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], but manifest.json says [${inputs.join(', ')}] and [${outputs.join(', ')}]. The bundle is damaged or mixed with another one; re-convert or re-download it.`,
      { details: { graph } },
    );
  }
}

/**
 * A float32 output with the expected rank and sizes (`undefined` entries are not checked).
 *
 * @throws {@link HFModelError} `HF_OUTPUT_INVALID`
 */
export function float32Result(outputs: Readonly<Record<string, Tensor>>, graph: AnyBundleGraphName, name: string, dims: readonly (number | undefined)[]): Tensor<'float32'> {
  return checkFloat32Output(outputs, graph, name, dims, (message, details) => new HFModelError('HF_OUTPUT_INVALID', message, { details }));
}
