import type { Backend } from './backend.js';
import { BackendError } from './backend-error.js';

/** Creates a backend on first use; may be async (a runtime loaded with `import()`). */
export type BackendFactory = () => Backend | Promise<Backend>;

interface Entry {
  readonly factory: BackendFactory;
  readonly priority: number;
  instance?: Promise<Backend>;
}

/**
 * A set of named backends. An instance, never module state: each app or test
 * builds its own and registers explicitly what it wants.
 *
 * @example
 * ```ts
 * const backends = new BackendRegistry()
 *   .register('onnxruntime-node', () => createNodeBackend(), { priority: 10 });
 * const backend = await backends.resolve();
 * ```
 */
export class BackendRegistry {
  readonly #entries = new Map<string, Entry>();

  /**
   * Adds a backend factory. Higher `priority` wins in {@link BackendRegistry.resolve}.
   *
   * @throws BackendError `BACKEND_ALREADY_REGISTERED` unless `replace` is set.
   */
  register(name: string, factory: BackendFactory, options: { priority?: number; replace?: boolean } = {}): this {
    if (this.#entries.has(name) && !options.replace) {
      throw new BackendError('BACKEND_ALREADY_REGISTERED', `A backend named '${name}' is already registered; pass { replace: true } to replace it.`);
    }
    this.#entries.set(name, { factory, priority: options.priority ?? 0 });
    return this;
  }

  /** Removes a backend; returns whether it was registered. */
  unregister(name: string): boolean {
    return this.#entries.delete(name);
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Registered names, highest priority first (registration order breaks ties). */
  names(): string[] {
    return [...this.#entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
  }

  /**
   * Returns a started backend: the first of `preferred` (a name or names, in
   * order) that starts, or, without `preferred`, the highest-priority one that
   * starts. A factory runs once; a failed start is retried on the next call.
   *
   * @throws BackendError `BACKEND_NOT_REGISTERED` for an unknown preferred name,
   * `BACKEND_NO_BACKEND` when none is registered or none started (the reasons listed).
   */
  async resolve(preferred?: string | readonly string[]): Promise<Backend> {
    const wanted = preferred === undefined ? this.names() : typeof preferred === 'string' ? [preferred] : [...preferred];
    for (const name of wanted) {
      if (!this.#entries.has(name)) {
        throw new BackendError('BACKEND_NOT_REGISTERED', `No backend named '${name}' is registered; registered: ${this.names().join(', ') || 'none'}.`);
      }
    }
    if (wanted.length === 0) {
      throw new BackendError('BACKEND_NO_BACKEND', 'No backend is registered: register one (for example the onnxruntime-node or onnxruntime-web backend) first.');
    }
    const failures: string[] = [];
    for (const name of wanted) {
      const entry = this.#entries.get(name)!;
      entry.instance ??= Promise.resolve().then(entry.factory);
      try {
        return await entry.instance;
      } catch (error) {
        entry.instance = undefined;
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new BackendError('BACKEND_NO_BACKEND', `No backend could be started. ${failures.join('; ')}`, { details: { failures } });
  }
}
