import { isCLIPSegError, type AbortSignalLike, type ImageHandle } from '@clipseg/core';
import type { RasterImage } from '@clipseg/processor';
import { isCancellation, NodeEditorError } from './errors.js';
import { topologicalOrder } from './graph-order.js';
import type { ComputeContext, NodeInputs, NodeResult, WorkflowPipeline } from './node-definition.js';
import type { NodeRegistry } from './node-registry.js';
import { IDLE_STATUS, type NodeStatus } from './node-status.js';
import { ValueFingerprints } from './value-fingerprint.js';
import type { Workflow, WorkflowNode } from './workflow.js';
import { WorkflowRun, type WorkflowRunOptions } from './workflow-run.js';

/** What an Image node's loader is told besides the source. */
export interface ImageRequest {
  /** The Image node asking. */
  readonly nodeId: string;
  /** The run's signal. */
  readonly signal: AbortSignalLike;
}

/**
 * What the host provides: the runtime stays outside this package (`@clipseg/runtime-web` in browsers,
 * `@clipseg/runtime-node` headless).
 */
export interface WorkflowServices {
  /** Bundle names a CLIPSeg node may select (the editor's menu); the first is the default. */
  readonly bundles?: readonly string[];
  /** The pipeline of a bundle. Called once per name and executor (a failed load is retried next run); the host owns and disposes it. */
  pipeline(bundle: string): WorkflowPipeline | Promise<WorkflowPipeline>;
  /** Decodes an Image node's source (a URL, a `data:` URL, a path, or whatever the host binds to the node). */
  loadImage(source: string, request: ImageRequest): RasterImage | Promise<RasterImage>;
  /** Non-fatal warnings (a truncated prompt …). */
  onWarning?(message: string): void;
}

/** Options of a {@link WorkflowExecutor}. */
export interface WorkflowExecutorOptions {
  /** The node types. */
  readonly registry: NodeRegistry;
  /** Pipelines and images. */
  readonly services: WorkflowServices;
}

/** The outcome of {@link WorkflowExecutor.run}. */
export interface WorkflowRunResult {
  /** The final status of every node. */
  readonly statuses: ReadonlyMap<string, NodeStatus>;
  /** The result of every node that finished. */
  readonly results: ReadonlyMap<string, NodeResult>;
  /** The nodes that failed, with their errors (empty when all went well). */
  readonly errors: readonly { readonly nodeId: string; readonly error: unknown }[];
}

interface MemoEntry {
  readonly fingerprint: string;
  readonly result: NodeResult;
}

const clamp = (f: number) => (Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0);

/**
 * Runs workflows against the host's pipelines, without a DOM. One executor serves many runs (the editor's live
 * re-runs, or one headless run): it keeps each node's last result while its type, controls and input values are
 * unchanged, the pipelines it loaded, and each image's encode per pipeline (so within a run every distinct image is
 * encoded once however many CLIPSeg nodes read it, and an unchanged image is not encoded again by the next run).
 *
 * @example
 * ```ts
 * const executor = new WorkflowExecutor({ registry: createDefaultRegistry(), services });
 * const { statuses, results } = await executor.run(parseWorkflow(json, { registry }), { onStatus });
 * ```
 */
export class WorkflowExecutor {
  /** The node types. */
  readonly registry: NodeRegistry;
  readonly #services: WorkflowServices;
  readonly #memo = new Map<string, MemoEntry>();
  readonly #fingerprints = new ValueFingerprints();
  readonly #pipelines = new Map<string, Promise<WorkflowPipeline>>();
  readonly #encodes = new Map<WorkflowPipeline, Map<RasterImage, Promise<ImageHandle>>>();
  #disposed = false;

  /** @param options - registry and services */
  constructor(options: WorkflowExecutorOptions) {
    this.registry = options.registry;
    this.#services = options.services;
  }

  /** Starts a run for a custom scheduler (the editor's); finish it with {@link WorkflowExecutor.finishRun}. */
  startRun(options: WorkflowRunOptions = {}): WorkflowRun {
    return new WorkflowRun(options);
  }

  /**
   * Ends a run: unless it was cancelled, frees the encodes of images it did not use. Idempotent.
   */
  finishRun(run: WorkflowRun): void {
    run.close();
    if (run.cancelled) return;
    for (const byImage of this.#encodes.values()) {
      for (const [image, handle] of byImage) {
        if (run.usedImages.has(image)) continue;
        byImage.delete(image);
        handle.then((h) => h.dispose(), () => undefined);
      }
    }
  }

  /**
   * Runs every node of `workflow` in dependency order. A node whose required input is unconnected, or whose
   * upstream node failed, is `blocked`; a node whose compute throws is `error` (with the error's code and
   * message) and blocks what depends on it; the rest run.
   *
   * @throws {@link NodeEditorError} `WORKFLOW_CANCELLED` when `options.signal` aborts (statuses stop at the abort)
   */
  async run(workflow: Workflow, options: WorkflowRunOptions = {}): Promise<WorkflowRunResult> {
    const run = this.startRun(options);
    const errors: { nodeId: string; error: unknown }[] = [];
    try {
      const byId = new Map(workflow.nodes.map((n) => [n.id, n]));
      const { order, cyclic } = topologicalOrder(workflow.nodes.map((n) => n.id), workflow.connections);
      if (cyclic.length > 0) throw new NodeEditorError('WORKFLOW_INVALID', `The workflow has a cycle through ${cyclic.join(', ')}.`);
      for (const id of order) run.report(id, IDLE_STATUS);
      for (const id of order) {
        run.throwIfCancelled();
        const node = byId.get(id)!;
        const inputs: Record<string, unknown[]> = {};
        let blockedBy: string | undefined;
        for (const c of workflow.connections) {
          if (c.target !== id) continue;
          const upstream = run.results.get(c.source);
          if (upstream === undefined) {
            blockedBy ??= c.source;
            continue;
          }
          (inputs[c.targetInput] ??= []).push(upstream.outputs[c.sourceOutput]);
        }
        if (blockedBy !== undefined) {
          const state = run.statuses.get(blockedBy)?.state;
          run.report(id, { state: 'blocked', progress: 0, message: `waiting for ${blockedBy} (${state === 'error' ? 'failed' : 'blocked'})` });
          continue;
        }
        try {
          await this.evaluate(node, inputs, run);
        } catch (error) {
          if (run.cancelled) break;
          if (!isCLIPSegError(error, 'WORKFLOW_INPUT_MISSING')) errors.push({ nodeId: id, error });
        }
      }
      run.throwIfCancelled();
      return { statuses: new Map(run.statuses), results: new Map(run.results), errors };
    } finally {
      this.finishRun(run);
    }
  }

  /**
   * Computes one node of `run` from its input values (one list per input key), reporting its status: reuses the
   * node's previous result while its type, controls and inputs are the same. Used by both schedulers.
   *
   * @throws {@link NodeEditorError} `WORKFLOW_INPUT_MISSING` (status `blocked`), `WORKFLOW_CANCELLED`, or the
   *   node's own error (status `error`; non-toolkit errors wrapped as `WORKFLOW_NODE_FAILED`)
   */
  async evaluate(node: WorkflowNode, inputs: NodeInputs, run: WorkflowRun): Promise<NodeResult> {
    run.throwIfCancelled();
    const definition = this.registry.get(node.type);
    const missing = definition.inputs.filter((i) => i.required && (inputs[i.key]?.length ?? 0) === 0);
    if (missing.length > 0) {
      const message = `connect ${missing.map((i) => i.label).join(', ')}`;
      run.report(node.id, { state: 'blocked', progress: 0, message });
      throw new NodeEditorError('WORKFLOW_INPUT_MISSING', `${definition.label} (${node.id}): ${message}.`, { details: { nodeId: node.id, inputs: missing.map((i) => i.key) } });
    }
    const fingerprint = this.#fingerprint(node, inputs);
    const memo = this.#memo.get(node.id);
    if (memo !== undefined && memo.fingerprint === fingerprint) {
      this.#markImagesUsed(node, inputs, memo.result, run);
      run.results.set(node.id, memo.result);
      run.report(node.id, { state: 'done', progress: 1 });
      return memo.result;
    }
    run.report(node.id, { state: 'running', progress: 0 });
    try {
      const result = await definition.compute(inputs, node.controls, this.#context(node, run));
      run.throwIfCancelled();
      this.#memo.set(node.id, { fingerprint, result });
      this.#markImagesUsed(node, inputs, result, run);
      run.results.set(node.id, result);
      run.report(node.id, { state: 'done', progress: 1 });
      return result;
    } catch (error) {
      if (run.cancelled || isCancellation(error)) {
        run.cancel();
        throw new NodeEditorError('WORKFLOW_CANCELLED', 'The run was cancelled.', { cause: error });
      }
      const failure = isCLIPSegError(error)
        ? error
        : new NodeEditorError('WORKFLOW_NODE_FAILED', `${definition.label} (${node.id}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      run.report(node.id, { state: 'error', progress: 0, error: { code: failure.code, message: failure.message } });
      throw failure;
    }
  }

  /** Forgets remembered results (all, or one node's): the next run computes them again. */
  invalidate(nodeId?: string): void {
    if (nodeId === undefined) this.#memo.clear();
    else this.#memo.delete(nodeId);
  }

  /**
   * Forgets every pipeline it loaded, with their image encodes and every remembered result, so the next run asks
   * `services.pipeline` again: call it after the host swapped the model behind a bundle name. The host still owns
   * (and disposes) the pipelines it handed out.
   */
  forgetPipelines(): void {
    for (const byImage of this.#encodes.values()) for (const handle of byImage.values()) handle.then((h) => h.dispose(), () => undefined);
    this.#encodes.clear();
    this.#pipelines.clear();
    this.#memo.clear();
  }

  /** Frees every image encode and remembered result; the host still owns its pipelines. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const byImage of this.#encodes.values()) for (const handle of byImage.values()) handle.then((h) => h.dispose(), () => undefined);
    this.#encodes.clear();
    this.#memo.clear();
    this.#pipelines.clear();
  }

  #fingerprint(node: WorkflowNode, inputs: NodeInputs): string {
    const parts = Object.keys(inputs)
      .sort()
      .map((key) => `${key}=${inputs[key]!.map((v) => this.#fingerprints.of(v)).join(',')}`);
    return `${node.type}|${JSON.stringify(node.controls)}|${parts.join(';')}`;
  }

  #markImagesUsed(_node: WorkflowNode, inputs: NodeInputs, result: NodeResult, run: WorkflowRun): void {
    for (const list of [...Object.values(inputs), Object.values(result.outputs)]) {
      for (const value of list) if (isRasterImage(value)) run.usedImages.add(value);
    }
  }

  #context(node: WorkflowNode, run: WorkflowRun): ComputeContext {
    return {
      nodeId: node.id,
      signal: run.signal,
      progress: (fraction, message) => run.report(node.id, { state: 'running', progress: clamp(fraction), ...(message === undefined ? {} : { message }) }),
      pipeline: (bundle) => this.#pipeline(bundle),
      encode: (pipeline, image) => this.#encode(pipeline, image, run),
      loadImage: (source) => this.#loadImage(source, node.id, run),
      warn: (message) => this.#services.onWarning?.(`${node.id}: ${message}`),
    };
  }

  #pipeline(bundle: string): Promise<WorkflowPipeline> {
    const known = this.#services.bundles;
    if (known !== undefined && !known.includes(bundle)) {
      return Promise.reject(new NodeEditorError('WORKFLOW_BUNDLE_UNKNOWN', `Unknown bundle '${bundle}'; available: ${known.join(', ') || 'none'}.`, { details: { bundle } }));
    }
    let loading = this.#pipelines.get(bundle);
    if (loading === undefined) {
      loading = Promise.resolve().then(() => this.#services.pipeline(bundle));
      this.#pipelines.set(bundle, loading);
      loading.catch(() => this.#pipelines.delete(bundle));
    }
    return loading;
  }

  #encode(pipeline: WorkflowPipeline, image: RasterImage, run: WorkflowRun): Promise<ImageHandle> {
    let byImage = this.#encodes.get(pipeline);
    if (byImage === undefined) this.#encodes.set(pipeline, (byImage = new Map()));
    run.usedImages.add(image);
    const cached = byImage.get(image);
    if (cached !== undefined) {
      return untilCancelled(
        cached.then((handle) => {
          if (!handle.disposed) return handle;
          if (byImage.get(image) === cached) byImage.delete(image);
          return this.#encode(pipeline, image, run);
        }),
        run,
      );
    }
    // Encoded without the run's signal: a later run may share it, so a cancelled run stops waiting but lets it finish.
    const encoding = pipeline.encodeImage(image);
    byImage.set(image, encoding);
    encoding.catch(() => {
      if (byImage.get(image) === encoding) byImage.delete(image);
    });
    return untilCancelled(encoding, run);
  }

  #loadImage(source: string, nodeId: string, run: WorkflowRun): Promise<RasterImage> {
    let loading = run.imageLoads.get(source);
    if (loading === undefined) {
      loading = Promise.resolve().then(() => this.#services.loadImage(source, { nodeId, signal: run.signal }));
      // Headless hosts bind images per node, so only share loads of real sources.
      if (source.trim() !== '') run.imageLoads.set(source, loading);
    }
    return loading.then((image) => {
      if (!isRasterImage(image)) throw new NodeEditorError('WORKFLOW_IMAGE_UNAVAILABLE', `The image loader returned ${typeof image} for node ${nodeId}; expected a RasterImage.`);
      return image;
    });
  }
}

/** `promise`, or a `WORKFLOW_CANCELLED` rejection as soon as `run` is cancelled. */
function untilCancelled<T>(promise: Promise<T>, run: WorkflowRun): Promise<T> {
  if (run.cancelled) return Promise.reject(new NodeEditorError('WORKFLOW_CANCELLED', 'The run was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new NodeEditorError('WORKFLOW_CANCELLED', 'The run was cancelled.'));
    run.signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => run.signal.removeEventListener('abort', stop));
  });
}

function isRasterImage(value: unknown): value is RasterImage {
  return typeof value === 'object' && value !== null && 'channels' in value && 'data' in value && 'width' in value;
}
