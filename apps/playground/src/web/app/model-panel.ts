import { html, nothing } from 'lit';
import { BACKEND_CHOICES, BUILTIN_MODEL_LABEL, type BackendChoice, type CheckpointDType, type ModelChoice, type ModelChoiceKind } from '../model/model-choice.js';
import type { ModelView } from '../model/model-controller.js';
import { LightElement } from './light-element.js';

/** Tag of {@link ModelPanelElement}. */
export const MODEL_PANEL_TAG = 'playground-model-panel';

/** Detail of the `model-load` event. */
export interface ModelLoadRequest {
  readonly choice: ModelChoice;
  readonly backend: BackendChoice;
}

const KINDS: readonly { readonly kind: ModelChoiceKind; readonly label: string }[] = [
  { kind: 'builtin', label: `${BUILTIN_MODEL_LABEL}: works offline, masks are not meaningful` },
  { kind: 'bundle-url', label: 'A converted bundle from a URL' },
  { kind: 'bundle-files', label: 'A converted bundle on this computer (files or folder)' },
  { kind: 'checkpoint-url', label: 'An HF checkpoint from a URL, converted here' },
  { kind: 'checkpoint-files', label: 'An HF checkpoint on this computer, converted here' },
];

const filesOf = (event: Event) => Array.from((event.target as HTMLInputElement).files ?? []);

/**
 * `<playground-model-panel>`: picks the model (the built-in untrained one, a bundle URL, bundle files or folder, an
 * HF checkpoint by URL or files, converted in the page) and the backend, and shows the load's progress and errors.
 * Fires `model-load` ({@link ModelLoadRequest}) and `model-cancel`.
 */
export class ModelPanelElement extends LightElement {
  static override properties = { view: { attribute: false }, kind: { state: true }, backend: { state: true }, dtype: { state: true } };

  /** The model state to show. */
  declare view: ModelView | undefined;
  declare kind: ModelChoiceKind;
  declare backend: BackendChoice;
  declare dtype: CheckpointDType;
  #files: File[] = [];

  constructor() {
    super();
    this.kind = 'builtin';
    this.backend = 'auto';
    this.dtype = 'fp32';
  }

  protected override render() {
    const view = this.view;
    const loading = view?.loading;
    const error = view?.error;
    return html`<section class="panel" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      ${view?.active
        ? html`<p class="active" data-testid="model-active">In use: ${view.active.label}${view.active.untrained ? html` <span class="badge warn">untrained</span>` : nothing}
            <span class="muted">(${view.active.backend.label}, loaded in ${Math.round(view.active.loadMs)} ms)</span></p>
            ${view.active.backend.detail ? html`<p class="hint" data-testid="backend-detail">${view.active.backend.detail}</p>` : nothing}`
        : nothing}
      <form @submit=${this.#submit}>
        <fieldset>
          <legend>Load a model from</legend>
          ${KINDS.map(({ kind, label }) => html`<label class="choice"><input type="radio" name="model-kind" value=${kind} .checked=${this.kind === kind} @change=${() => this.#pick(kind)} />${label}</label>
            ${this.kind === kind ? this.#details(kind) : nothing}`)}
        </fieldset>
        <label>Backend
          <select name="backend" @change=${(e: Event) => (this.backend = (e.target as HTMLSelectElement).value as BackendChoice)}>
            ${BACKEND_CHOICES.map((b) => html`<option value=${b.value} ?selected=${b.value === this.backend}>${b.label}</option>`)}
          </select>
        </label>
        <div class="row">
          <button type="submit" class="primary">Load model</button>
          ${loading ? html`<button type="button" @click=${() => this.emit('model-cancel')}>Cancel</button>` : nothing}
        </div>
      </form>
      ${loading
        ? html`<div class="progress" role="status" data-testid="model-progress">
            ${loading.progress.fraction === undefined ? html`<progress aria-label="Loading the model"></progress>` : html`<progress aria-label="Loading the model" max="1" .value=${loading.progress.fraction}></progress>`}
            <span>Loading ${loading.label}: ${loading.progress.message}</span>
          </div>`
        : nothing}
      ${error
        ? html`<div class="error" role="alert" data-testid="model-error">
            <p><strong>Could not load ${error.label}.</strong></p>
            <p><code>${error.code}</code> ${error.message}</p>
            ${error.advice ? html`<p>${error.advice}</p>` : nothing}
            ${view?.active ? html`<p class="muted">The model in use did not change.</p>` : nothing}
          </div>`
        : nothing}
    </section>`;
  }

  #details(kind: ModelChoiceKind) {
    const dtype = html`<label class="sub">Weights
      <select name="dtype" @change=${(e: Event) => (this.dtype = (e.target as HTMLSelectElement).value as CheckpointDType)}>
        <option value="fp32" ?selected=${this.dtype === 'fp32'}>fp32 (exact)</option>
        <option value="fp16" ?selected=${this.dtype === 'fp16'}>fp16 (half the size)</option>
        <option value="int8" ?selected=${this.dtype === 'int8'}>int8 (a third of the size, ~2× faster, approximate)</option>
      </select></label>`;
    const files = (what: string) => html`<div class="sub">
      <label>${what} files <input type="file" name="files" multiple @change=${(e: Event) => (this.#files = filesOf(e))} /></label>
      <label>or its folder <input type="file" name="folder" webkitdirectory @change=${(e: Event) => (this.#files = filesOf(e))} /></label>
    </div>`;
    switch (kind) {
      case 'builtin':
        return html`<p class="sub hint">Built by the app, offline, from random weights: use it to try the editor, then load a real model.</p>`;
      case 'bundle-url':
        return html`<label class="sub">Bundle folder URL <input type="url" name="url" required placeholder="https://example.com/rd64-refined.bundle/" /></label>
          <p class="sub hint">A folder written by <code>clipseg convert</code> (with manifest.json). Other sites must send CORS headers.</p>`;
      case 'bundle-files':
        return html`${files('Bundle')}<p class="sub hint">manifest.json and the .onnx files, as written by <code>clipseg convert</code>.</p>`;
      case 'checkpoint-url':
        return html`<label class="sub">Checkpoint folder URL <input type="url" name="url" required placeholder="https://huggingface.co/CIDAS/clipseg-rd64-refined/resolve/main/" /></label>${dtype}
          <p class="sub hint">config.json, model.safetensors or pytorch_model.bin, and the tokenizer files. Converting rd64-refined needs about 1.3 GB of memory.</p>`;
      case 'checkpoint-files':
        return html`${files('Checkpoint')}${dtype}<p class="sub hint">config.json, model.safetensors or pytorch_model.bin, vocab.json and merges.txt.</p>`;
    }
  }

  #pick(kind: ModelChoiceKind): void {
    this.kind = kind;
    this.#files = [];
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const url = String(new FormData(form).get('url') ?? '');
    const choice: ModelChoice =
      this.kind === 'builtin'
        ? { kind: 'builtin' }
        : this.kind === 'bundle-url'
          ? { kind: 'bundle-url', url }
          : this.kind === 'bundle-files'
            ? { kind: 'bundle-files', files: this.#files }
            : this.kind === 'checkpoint-url'
              ? { kind: 'checkpoint-url', url, dtype: this.dtype }
              : { kind: 'checkpoint-files', files: this.#files, dtype: this.dtype };
    this.emit<ModelLoadRequest>('model-load', { choice, backend: this.backend });
  }
}
