import type { AbortSignalLike, Backend, ModelSource, Session, SessionOptions } from '../backend/backend.js';
import type { BundleGraphName, BundleManifest } from '../bundle/bundle-manifest.js';
import { CLIPSegConfig } from '../config/clipseg-config.js';
import { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import type { FileSet } from '../loading/file-set.js';
import { loadTokenizer } from '../loading/load-tokenizer.js';
import type { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { checkFile, readManifest, readVerified, throwIfAborted, type BundleVerification } from './bundle-files.js';
import { checkManifestGraphs, checkSessionIO, DECODER_CONDITION, PROJECTOR_OUTPUT, TEXT_OUTPUT, VISION_INPUT } from './graph-io.js';
import { PipelineError } from './pipeline-error.js';

/** What {@link loadBundle} needs besides the files and the backend. @internal */
export interface LoadBundleOptions {
  /** How much to check files against the manifest. */
  readonly verify: BundleVerification;
  /** Passed to `backend.createSession`. */
  readonly sessionOptions: SessionOptions | undefined;
  /** Cancels loading. */
  readonly signal: AbortSignalLike | undefined;
}

/** The graphs the pipeline creates at load; the image_projector waits for the first image prompt. */
export type EagerGraphName = Exclude<BundleGraphName, 'image_projector'>;

/** A bundle read, checked and ready to run (all but the image_projector). @internal */
export interface LoadedBundle {
  /** `manifest.json`. */
  readonly manifest: BundleManifest;
  /** `config.json`. */
  readonly config: CLIPSegConfig;
  /** `preprocessor_config.json`. */
  readonly preprocessorConfig: ViTImageProcessorConfig;
  /** The tokenizer files. */
  readonly tokenizer: CLIPTokenizer;
  /** The sessions created at load, checked against the manifest. */
  readonly sessions: Readonly<Record<EagerGraphName, Session>>;
}

const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes);

function disagree(message: string, details: Record<string, unknown>): PipelineError {
  return new PipelineError('PIPELINE_BUNDLE_MISMATCH', `${message} The bundle's files come from different models; re-convert the checkpoint.`, { details });
}

/**
 * Checks that `config.json`, `preprocessor_config.json` and the manifest describe the same model.
 *
 * @throws {@link PipelineError} `PIPELINE_GRAPH_MISMATCH` or `PIPELINE_BUNDLE_MISMATCH`
 */
export function checkConsistency(manifest: BundleManifest, config: CLIPSegConfig, pre: ViTImageProcessorConfig): void {
  checkManifestGraphs(manifest, config.extract_layers.length);
  const dimOf = (graph: BundleGraphName, io: 'inputs' | 'outputs', name: string, axis: number) => manifest.graphs[graph][io].find((s) => s.name === name)?.dims[axis];
  const projection: [BundleGraphName, 'inputs' | 'outputs', string][] = [
    ['text_encoder', 'outputs', TEXT_OUTPUT],
    ['image_projector', 'outputs', PROJECTOR_OUTPUT],
    ['decoder', 'inputs', DECODER_CONDITION],
  ];
  for (const [graph, io, name] of projection) {
    const dim = dimOf(graph, io, name, 1);
    if (typeof dim === 'number' && dim !== config.projection_dim) {
      throw disagree(`manifest.json gives ${graph}'s ${name} width ${dim}, but config.json's projection_dim is ${config.projection_dim}.`, {
        graph,
        name,
        expected: config.projection_dim,
        actual: dim,
      });
    }
  }
  const channels = dimOf('vision_encoder', 'inputs', VISION_INPUT, 1);
  if (typeof channels === 'number' && channels !== config.vision_config.num_channels) {
    throw disagree(`manifest.json's pixel_values has ${channels} channels, but config.json's vision_config.num_channels is ${config.vision_config.num_channels}.`, {
      expected: config.vision_config.num_channels,
      actual: channels,
    });
  }
  const size = manifest.imageSize;
  if (pre.do_resize && (pre.size.height !== size.height || pre.size.width !== size.width)) {
    throw disagree(
      `preprocessor_config.json resizes to ${pre.size.height}×${pre.size.width}, but the graphs take ${size.height}×${size.width} (manifest.json imageSize).`,
      { expected: { ...size }, actual: { ...pre.size } },
    );
  }
}

/**
 * Reads one graph, creates its session and checks its inputs and outputs against the manifest.
 *
 * @throws {@link BundleError} for a missing or corrupt file, {@link PipelineError} `PIPELINE_GRAPH_MISMATCH`, or
 *   the backend's `BACKEND_INVALID_MODEL`
 */
export async function createGraphSession(
  files: FileSet,
  backend: Backend,
  manifest: BundleManifest,
  graph: BundleGraphName,
  options: LoadBundleOptions,
): Promise<Session> {
  const entry = manifest.graphs[graph];
  // A backend that reads files itself gets the path (no copy of the graph through memory) unless the bytes must
  // be hashed anyway; the size check still runs first.
  const path = backend.readsFilePaths === true && options.verify !== 'sha256' ? files.filePath?.(entry.path) : undefined;
  let source: ModelSource;
  if (path !== undefined) {
    await checkFile(files, entry, options.verify);
    source = path;
  } else {
    source = await readVerified(files, entry, options.verify);
  }
  throwIfAborted(options.signal);
  const session = await backend.createSession(source, options.sessionOptions);
  try {
    checkSessionIO(graph, session, entry);
  } catch (error) {
    await session.dispose();
    throw error;
  }
  return session;
}

/**
 * Reads `manifest.json`, the configs and the tokenizer, verifies every file the manifest lists (the image_projector
 * included, without loading it), and creates the text_encoder, vision_encoder and decoder sessions. On failure,
 * sessions already created are disposed.
 * @internal
 */
export async function loadBundle(files: FileSet, backend: Backend, options: LoadBundleOptions): Promise<LoadedBundle> {
  const { verify, signal } = options;
  throwIfAborted(signal);
  const manifest = await readManifest(files);
  const config = CLIPSegConfig.fromJSON(utf8(await readVerified(files, manifest.files.config, verify)));
  const preprocessorConfig = ViTImageProcessorConfig.fromJSON(utf8(await readVerified(files, manifest.files.preprocessor, verify)), {
    numChannels: config.vision_config.num_channels,
  });
  checkConsistency(manifest, config, preprocessorConfig);
  for (const entry of manifest.files.tokenizer) await readVerified(files, entry, verify);
  const tokenizer = await loadTokenizer(files);
  await checkFile(files, manifest.graphs.image_projector, verify);

  // The three sessions are created concurrently: reading and optimising one graph overlaps with the others.
  const graphs = ['text_encoder', 'vision_encoder', 'decoder'] as const;
  const settled = await Promise.allSettled(graphs.map((graph) => createGraphSession(files, backend, manifest, graph, options)));
  const created = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure || signal?.aborted) {
    await Promise.allSettled(created.map((s) => s.dispose()));
    if (failure) throw failure.reason;
    throwIfAborted(signal);
  }
  const sessions = Object.fromEntries(graphs.map((graph, i) => [graph, created[i]!])) as Record<EagerGraphName, Session>;
  return { manifest, config, preprocessorConfig, tokenizer, sessions };
}
