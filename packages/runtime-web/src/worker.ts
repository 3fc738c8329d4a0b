/**
 * `@clipseg/runtime-web/worker`: the worker side of {@link CLIPSegWorker} (exported from `@clipseg/runtime-web`).
 * Import it in a dedicated worker module together with one backend flavour.
 *
 * @packageDocumentation
 */
export { serveCLIPSeg } from './worker/serve-clipseg.js';
export type { ServeCLIPSegOptions, WorkerScopeLike } from './worker/serve-clipseg.js';
export type { WorkerBackendOptions } from './worker/protocol.js';
