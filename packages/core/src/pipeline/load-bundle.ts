import type { AbortSignalLike, Backend, ModelSource, Session, SessionOptions } from '../backend/backend.js';
import { checkFile, readVerified, throwIfAborted, type BundleVerification } from '../bundle/bundle-files.js';
import type { BundleManifest } from '../bundle/bundle-manifest.js';
import type { BundleGraphName } from '../bundle/graph-names.js';
import { openBundle, type OpenedBundle } from '../bundle/open-bundle.js';
import type { FileSet } from '../loading/file-set.js';
import { checkSessionIO } from './graph-io.js';

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
export interface LoadedBundle extends OpenedBundle {
  /** The sessions created at load, checked against the manifest. */
  readonly sessions: Readonly<Record<EagerGraphName, Session>>;
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
 * Opens the bundle ({@link openBundle}: manifest, configs, tokenizer), verifies every other file the manifest lists
 * (the image_projector included, without loading it), and creates the text_encoder, vision_encoder and decoder
 * sessions. On failure, sessions already created are disposed.
 * @internal
 */
export async function loadBundle(files: FileSet, backend: Backend, options: LoadBundleOptions): Promise<LoadedBundle> {
  const { verify, signal } = options;
  const opened = await openBundle(files, { verify, signal });
  const { manifest } = opened;
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
  return { ...opened, sessions };
}
