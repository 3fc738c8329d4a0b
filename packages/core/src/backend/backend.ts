import type { Tensor } from '../tensor/tensor.js';
import type { TensorSpec } from '../tensor/tensor-spec.js';

/**
 * A model a backend can load: serialized ONNX bytes, or a string the backend
 * resolves itself (a file path in Node, a URL in browsers).
 */
export type ModelSource = Uint8Array | ArrayBuffer | string;

/** The smallest part of `AbortSignal` that sessions rely on (no DOM types needed). */
export interface AbortSignalLike {
  /** True once aborted. */
  readonly aborted: boolean;
  /** Why it was aborted. */
  readonly reason?: unknown;
  /** Subscribes to the abort event. */
  addEventListener?(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Unsubscribes from the abort event. */
  removeEventListener?(type: 'abort', listener: () => void): void;
}

/** Options for creating a session; a backend ignores what it cannot honour and says so in `Session.info`. */
export interface SessionOptions {
  /** Execution providers in order of preference (`'cpu'`, `'cuda'`, `'webgpu'`, `'wasm'` …). */
  readonly executionProviders?: readonly string[];
  /** Threads used within one operator; backend default when omitted. */
  readonly intraOpNumThreads?: number;
  /** Threads used across operators; backend default when omitted. */
  readonly interOpNumThreads?: number;
  /** Graph optimisation level; `'all'` by default. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Per-run options. */
export interface RunOptions {
  /** Cancels the run; the promise then rejects with `BACKEND_ABORTED`. */
  readonly signal?: AbortSignalLike;
}

/** What a session actually runs on, for reporting. */
export interface SessionInfo {
  /** Backend name. */
  readonly backend: string;
  /** Execution provider in use. */
  readonly executionProvider: string;
  /** Why the preferred execution provider was not used, when it was not. */
  readonly fallbackReason?: string;
}

/**
 * A loaded model graph ready to run. Shaped after onnxruntime-common's
 * `InferenceSession`, but returning core {@link Tensor}s.
 */
export interface Session {
  /** Graph input names, in graph order. */
  readonly inputNames: readonly string[];
  /** Graph output names, in graph order. */
  readonly outputNames: readonly string[];
  /** Declared types and shapes of the inputs (symbolic dims as names), used to refuse bad feeds early. */
  readonly inputSpecs: readonly TensorSpec[];
  /** Where the session runs. */
  readonly info: SessionInfo;
  /**
   * Runs the graph.
   *
   * @param feeds - one tensor per input name
   * @param fetches - output names to return; all outputs when omitted
   * @returns the requested outputs by name
   * @throws BackendError `BACKEND_MISSING_INPUT`, `BACKEND_UNKNOWN_INPUT`,
   * `BACKEND_UNKNOWN_OUTPUT`, `BACKEND_INPUT_MISMATCH`, `BACKEND_SESSION_DISPOSED`,
   * `BACKEND_ABORTED` or `BACKEND_RUN_FAILED`
   */
  run(feeds: Readonly<Record<string, Tensor>>, fetches?: readonly string[], options?: RunOptions): Promise<Record<string, Tensor>>;
  /** Frees the session; later runs reject with `BACKEND_SESSION_DISPOSED`. Safe to call twice. */
  dispose(): Promise<void>;
}

/** Something that turns models into sessions: onnxruntime-node, onnxruntime-web, or a test double. */
export interface Backend {
  /** Stable name, for example `onnxruntime-node`. */
  readonly name: string;
  /**
   * True when `createSession` accepts a path on the local file system as its string source (onnxruntime-node):
   * the pipeline then hands it bundle files by path, which saves reading them into memory first.
   */
  readonly readsFilePaths?: boolean;
  /**
   * Loads a model.
   *
   * @throws BackendError `BACKEND_INVALID_MODEL` when the model cannot be parsed or loaded
   */
  createSession(model: ModelSource, options?: SessionOptions): Promise<Session>;
}
