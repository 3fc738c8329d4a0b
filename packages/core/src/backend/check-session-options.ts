import type { SessionOptions } from './backend.js';
import { BackendError } from './backend-error.js';

/**
 * The most threads one session (or one onnxruntime-web instance) may ask for: intra-op, inter-op or WASM threads.
 * Each thread is started up front, so an unchecked `999999` is a thread bomb; no machine this runs on has more
 * cores than this, and threads beyond the cores only slow a run down.
 */
export const MAX_SESSION_THREADS = 256;

/** The graph optimisation levels {@link SessionOptions.graphOptimizationLevel} takes. */
export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/** Most entries of {@link SessionOptions.executionProviders} (there are only a handful of providers). */
const MAX_EXECUTION_PROVIDERS = 16;

function invalidOption(message: string, details: Record<string, unknown>): BackendError {
  return new BackendError('BACKEND_INVALID_OPTION', message, { details });
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'number' || typeof value === 'boolean' || value == null ? String(value) : typeof value;
}

/**
 * Checks a thread count given to a backend: an integer from 1 to {@link MAX_SESSION_THREADS}.
 *
 * @param value - the count
 * @param name - the option, for the message (`intraOpNumThreads`, `numThreads` …)
 * @returns the count
 * @throws {@link BackendError} `BACKEND_INVALID_OPTION` otherwise
 */
export function checkThreadCount(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SESSION_THREADS) {
    throw invalidOption(
      `${name} must be an integer from 1 to ${MAX_SESSION_THREADS}, got ${shown(value)}. Leave it out for the backend's default (about one thread per core).`,
      { option: name, value: typeof value === 'number' ? value : shown(value), max: MAX_SESSION_THREADS },
    );
  }
  return value;
}

/**
 * Checks the {@link SessionOptions} a backend is given, before anything starts: thread counts (integers
 * 1 … {@link MAX_SESSION_THREADS}), the graph optimisation level, and the execution providers (an array of at most
 * 16 names). `undefined` fields mean the backend's default.
 *
 * @throws {@link BackendError} `BACKEND_INVALID_OPTION` naming the option and the accepted values
 */
export function checkSessionOptions(options: SessionOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw invalidOption(`Session options must be an object, got ${shown(options)}.`, { option: 'options' });
  if (options.intraOpNumThreads !== undefined) checkThreadCount(options.intraOpNumThreads, 'intraOpNumThreads');
  if (options.interOpNumThreads !== undefined) checkThreadCount(options.interOpNumThreads, 'interOpNumThreads');
  const level = options.graphOptimizationLevel;
  if (level !== undefined && !(GRAPH_OPTIMIZATION_LEVELS as readonly unknown[]).includes(level)) {
    throw invalidOption(`graphOptimizationLevel must be one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}, got ${shown(level)}.`, { option: 'graphOptimizationLevel' });
  }
  const providers: unknown = options.executionProviders;
  if (providers === undefined) return;
  if (!Array.isArray(providers) || providers.length > MAX_EXECUTION_PROVIDERS || providers.some((p) => typeof p !== 'string' || p.length === 0 || p.length > 64)) {
    throw invalidOption(
      `executionProviders must be an array of at most ${MAX_EXECUTION_PROVIDERS} provider names such as ['webgpu', 'cpu'], got ${Array.isArray(providers) ? `${providers.length} entries` : shown(providers)}.`,
      { option: 'executionProviders' },
    );
  }
}
