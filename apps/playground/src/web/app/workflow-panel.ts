import { html, nothing } from 'lit';
import { LightElement } from './light-element.js';

/** Tag of {@link WorkflowPanelElement}. */
export const WORKFLOW_PANEL_TAG = 'playground-workflow-panel';

/** A node type the "Add a node" menu offers. */
export interface NodeTypeOption {
  readonly type: string;
  readonly label: string;
  readonly category: string;
}

/**
 * `<playground-workflow-panel>`: save, open and share the workflow, start over from the example, undo/redo, run, fit
 * the view, and add nodes from the keyboard. Fires `workflow-save`, `workflow-open` (a `File`), `workflow-share`,
 * `workflow-reset`, `editor-undo`, `editor-redo`, `editor-fit`, `editor-run` and `node-add` (a type).
 */
export class WorkflowPanelElement extends LightElement {
  static override properties = { types: { attribute: false }, shareUrl: {} };

  /** Node types for the "Add a node" menu. */
  declare types: readonly NodeTypeOption[];
  /** The latest share link, when one was made. */
  declare shareUrl: string | undefined;

  constructor() {
    super();
    this.types = [];
  }

  protected override render() {
    const categories = [...new Set(this.types.map((t) => t.category))];
    return html`<section class="panel" aria-labelledby="workflow-heading">
      <h2 id="workflow-heading">Workflow</h2>
      <div class="row wrap">
        <button type="button" @click=${() => this.emit('workflow-save')}>Save workflow</button>
        <label class="button">Open workflow…<input id="workflow-file" class="visually-hidden" type="file" accept=".json,application/json" @change=${this.#open} /></label>
        <button type="button" @click=${() => this.emit('workflow-share')}>Copy share link</button>
        <button type="button" @click=${() => this.emit('workflow-reset')}>Start from the example</button>
      </div>
      ${this.shareUrl ? html`<label>Share link <input type="text" readonly data-testid="share-url" .value=${this.shareUrl} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></label>` : nothing}
      <div class="row wrap">
        <button type="button" @click=${() => this.emit('editor-run')}>Run now</button>
        <button type="button" @click=${() => this.emit('editor-undo')} aria-keyshortcuts="Control+Z">Undo</button>
        <button type="button" @click=${() => this.emit('editor-redo')} aria-keyshortcuts="Control+Shift+Z">Redo</button>
        <button type="button" @click=${() => this.emit('editor-fit')} aria-keyshortcuts="F">Fit view</button>
      </div>
      <form class="row" @submit=${this.#add}>
        <label class="grow">Add a node
          <select name="type">
            ${categories.map((c) => html`<optgroup label=${c}>${this.types.filter((t) => t.category === c).map((t) => html`<option value=${t.type}>${t.label}</option>`)}</optgroup>`)}
          </select>
        </label>
        <button type="submit">Add</button>
      </form>
      <p class="hint">Autosaved in this browser. In the graph: drag from an output to an input to connect, right-click for the node menu, Delete removes the selected nodes, F fits the view.</p>
    </section>`;
  }

  #open(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file !== undefined) this.emit('workflow-open', file);
    input.value = '';
  }

  #add(event: SubmitEvent): void {
    event.preventDefault();
    const type = String(new FormData(event.currentTarget as HTMLFormElement).get('type') ?? '');
    if (type !== '') this.emit('node-add', type);
  }
}
