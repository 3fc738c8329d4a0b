import type { WebCLIPSeg } from '@clipseg/runtime-web';
import { reportError, type ErrorReport } from './error-report.js';
import { describeChoice, type BackendChoice, type ModelChoice } from './model-choice.js';
import { loadModel, type LoadedModel, type ModelLoadProgress } from './model-loader.js';

/** What the model panel and the status bar show. */
export interface ModelView {
  /** The model in use, once one loaded. */
  readonly active?: Omit<LoadedModel, 'seg'>;
  /** The model being loaded, with its progress. */
  readonly loading?: { readonly label: string; readonly progress: ModelLoadProgress };
  /** Why the latest load failed (the active model, if any, stays in use). */
  readonly error?: ErrorReport & { readonly label: string };
  /** Runtime notices (fallbacks). */
  readonly warnings: readonly string[];
}

/** Options of a {@link ModelController}. */
export interface ModelControllerOptions {
  /** The app's base URL. */
  readonly baseUrl: string;
  /** Called on every change of the view. */
  readonly onChange: (view: ModelView) => void;
  /** Called when a newly loaded model replaced `previous` (the editor then re-runs; dispose `previous` when idle). */
  readonly onSwap: (previous: WebCLIPSeg | undefined) => void;
}

/**
 * Owns the model the editor's CLIPSeg nodes use (bundle name `default`): loads models one at a time with progress
 * and cancellation, and swaps a new one in only once it loaded, so a failed load leaves the previous model working.
 */
export class ModelController {
  #view: ModelView = { warnings: [] };
  #active: LoadedModel | undefined;
  #pending: Promise<WebCLIPSeg> | undefined;
  #controller: AbortController | undefined;
  #lastError: unknown;
  /** True when the editor may hold a failed or superseded pipeline promise: the next success must re-run it. */
  #stale = false;
  readonly #options: ModelControllerOptions;

  /** @param options - base URL and listeners */
  constructor(options: ModelControllerOptions) {
    this.#options = options;
  }

  /** What to show. */
  get view(): ModelView {
    return this.#view;
  }

  /** The pipeline for the editor: the active model, or the first one still loading. */
  pipeline(): Promise<WebCLIPSeg> {
    if (this.#active !== undefined) return Promise.resolve(this.#active.seg);
    if (this.#pending !== undefined) return this.#pending;
    return Promise.reject(this.#lastError ?? new Error('No model is loaded: pick one in the Model panel.'));
  }

  /** Loads `choice` on `backend`; resolves to true when it became the active model. A newer load cancels this one. */
  async load(choice: ModelChoice, backend: BackendChoice): Promise<boolean> {
    if (this.#controller !== undefined) this.#stale = true;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const label = describeChoice(choice);
    const warnings: string[] = [];
    this.#set({ loading: { label, progress: { fraction: 0, message: 'starting' } }, error: undefined });
    const loading = loadModel(choice, {
      backend,
      baseUrl: this.#options.baseUrl,
      signal: controller.signal,
      onProgress: (progress) => {
        if (this.#controller === controller) this.#set({ loading: { label, progress } });
      },
      onWarning: (message) => warnings.push(message),
    });
    const seg = loading.then((m) => m.seg);
    if (this.#active === undefined) this.#pending = seg;
    seg.catch(() => undefined);
    try {
      const loaded = await loading;
      if (this.#controller !== controller) {
        void loaded.seg.dispose();
        return false;
      }
      const previous = this.#active;
      this.#active = loaded;
      this.#pending = undefined;
      this.#controller = undefined;
      const { seg: _seg, ...active } = loaded;
      this.#set({ active, loading: undefined, error: undefined, warnings });
      if (previous !== undefined || this.#stale) this.#options.onSwap(previous?.seg);
      this.#stale = false;
      return true;
    } catch (error) {
      if (this.#controller !== controller) return false;
      this.#controller = undefined;
      this.#lastError = error;
      this.#stale = true;
      if (this.#active === undefined) this.#pending = undefined;
      this.#set({ loading: undefined, error: { ...reportError(error), label }, warnings });
      return false;
    }
  }

  /** Cancels the load in flight, if any. */
  cancel(): void {
    this.#controller?.abort();
  }

  /** Disposes the active model. */
  async dispose(): Promise<void> {
    this.#controller?.abort();
    await this.#active?.seg.dispose();
    this.#active = undefined;
  }

  #set(patch: Partial<ModelView>): void {
    this.#view = { ...this.#view, ...patch };
    this.#options.onChange(this.#view);
  }
}
