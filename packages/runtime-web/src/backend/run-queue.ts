/**
 * Runs tasks one after another. onnxruntime-web drives one WebAssembly instance (and one WebGPU device) per
 * module, and overlapping `run` calls on it are not safe, so every session of a backend shares one queue.
 */
export class RunQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Schedules `task` after everything queued before it; its result or error is passed through. */
  push<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
