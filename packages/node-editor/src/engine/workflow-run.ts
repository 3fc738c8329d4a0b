import type { AbortSignalLike } from '@clipseg/core';
import type { RasterImage } from '@clipseg/processor';
import { NodeEditorError } from './errors.js';
import type { NodeResult } from './node-definition.js';
import type { NodeStatus } from './node-status.js';

/** Options of one run. */
export interface WorkflowRunOptions {
  /** Cancels the run: nodes still to run are not started, pipeline calls in flight are aborted. */
  readonly signal?: AbortSignalLike;
  /** Receives every status change of every node while the run is current (never after it is cancelled). */
  readonly onStatus?: (nodeId: string, status: NodeStatus) => void;
}

/**
 * One run of a workflow (headless) or of the editor's graph (live): its cancellation, its status reporting, and
 * its per-run caches. Made by `WorkflowExecutor.startRun`; the executor's schedulers use it.
 */
export class WorkflowRun {
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** Results of the nodes this run computed or reused, by node id. */
  readonly results = new Map<string, NodeResult>();
  /** Last status of each node this run reported. */
  readonly statuses = new Map<string, NodeStatus>();
  /** Images this run encoded or reused (the executor keeps their encodes for the next run). @internal */
  readonly usedImages = new Set<RasterImage>();
  /** Image loads of this run, by source. @internal */
  readonly imageLoads = new Map<string, Promise<RasterImage>>();
  readonly #controller = new AbortController();
  readonly #onStatus: WorkflowRunOptions['onStatus'];
  readonly #detach: () => void;

  /** @internal Use `WorkflowExecutor.startRun`. */
  constructor(options: WorkflowRunOptions = {}) {
    this.signal = this.#controller.signal;
    this.#onStatus = options.onStatus;
    const outer = options.signal;
    const follow = () => this.cancel(outer?.reason);
    if (outer?.aborted) this.cancel(outer.reason);
    outer?.addEventListener?.('abort', follow, { once: true });
    this.#detach = () => outer?.removeEventListener?.('abort', follow);
  }

  /** True once cancelled. */
  get cancelled(): boolean {
    return this.signal.aborted;
  }

  /** Cancels the run (idempotent): its signal aborts and its statuses stop being reported. */
  cancel(reason?: unknown): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason ?? new NodeEditorError('WORKFLOW_CANCELLED', 'The run was cancelled.'));
  }

  /** Reports a node's status, unless the run is cancelled. */
  report(nodeId: string, status: NodeStatus): void {
    if (this.cancelled) return;
    this.statuses.set(nodeId, status);
    this.#onStatus?.(nodeId, status);
  }

  /**
   * @throws {@link NodeEditorError} `WORKFLOW_CANCELLED` when the run was cancelled
   */
  throwIfCancelled(): void {
    if (this.cancelled) throw new NodeEditorError('WORKFLOW_CANCELLED', 'The run was cancelled (a newer run replaced it, or its signal aborted).');
  }

  /** Stops following the outer signal. @internal */
  close(): void {
    this.#detach();
  }
}
