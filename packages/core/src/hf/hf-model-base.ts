import type { AbortSignalLike, Backend } from '../backend/backend.js';
import type { FileSet } from '../loading/file-set.js';
import { HFBundle, type HFBundleLoadOptions } from './hf-bundle.js';
import { HFModelError } from './hf-error.js';

/**
 * What the HF model classes share: the {@link HFBundle} they run on (owned when made by `fromBundle`, shared when
 * passed to the constructor) and disposal.
 */
export abstract class HFModelBase {
  /** The bundle this model runs on (its manifest, configs, tokenizer and sessions). */
  readonly bundle: HFBundle;
  #ownsBundle = false;
  #disposed = false;

  /** @throws {@link HFModelError} `HF_INVALID_OPTIONS` when `bundle` is not an {@link HFBundle} */
  protected constructor(bundle: HFBundle) {
    if (!(bundle instanceof HFBundle)) {
      throw new HFModelError('HF_INVALID_OPTIONS', 'Pass an HFBundle (HFBundle.load(files, backend)), or use the static fromBundle(files, backend, options).');
    }
    this.bundle = bundle;
  }

  /** Loads a bundle and makes a model that owns it (disposing the model disposes the bundle). */
  protected static async loadOwned<T extends HFModelBase>(files: FileSet, backend: Backend, options: HFBundleLoadOptions, make: (bundle: HFBundle) => T): Promise<T> {
    const bundle = await HFBundle.load(files, backend, options);
    let model: T;
    try {
      model = make(bundle);
    } catch (error) {
      await bundle.dispose();
      throw error;
    }
    model.#ownsBundle = true;
    return model;
  }

  /** True once {@link HFModelBase.dispose} was called (or the shared bundle was disposed). */
  get disposed(): boolean {
    return this.#disposed || this.bundle.disposed;
  }

  /**
   * Disposes this model; later calls reject with `HF_DISPOSED`. A model made by `fromBundle` also disposes its
   * bundle (every session); a model given a shared bundle leaves it to its owner. Idempotent.
   */
  async dispose(): Promise<void> {
    this.#disposed = true;
    if (this.#ownsBundle) await this.bundle.dispose();
  }

  /** Throws `HF_DISPOSED` or `HF_ABORTED`. */
  protected checkLive(signal: AbortSignalLike | undefined): void {
    if (this.#disposed) throw new HFModelError('HF_DISPOSED', 'This model was disposed; load it again.');
    this.bundle.checkLive(signal);
  }
}
