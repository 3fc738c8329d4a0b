import { html, nothing } from 'lit';
import type { PromptEntry } from './editor-bridge.js';
import { LightElement } from './light-element.js';

/** Tag of {@link PromptsPanelElement}. */
export const PROMPTS_PANEL_TAG = 'playground-prompts-panel';

/** Detail of the `prompt-change` event. */
export interface PromptChange {
  readonly id: string;
  readonly text: string;
}

const TYPING_PAUSE_MS = 500;

/**
 * `<playground-prompts-panel>`: a text field per prompt node of the graph (edits apply after a pause in typing),
 * and a field that adds a prompt with its own CLIPSeg node and previews. Fires `prompt-change`
 * ({@link PromptChange}) and `prompt-add` (the text).
 */
export class PromptsPanelElement extends LightElement {
  static override properties = { prompts: { attribute: false } };

  /** The prompt nodes. */
  declare prompts: readonly PromptEntry[];
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this.prompts = [];
  }

  protected override render() {
    return html`<section class="panel" aria-labelledby="prompts-heading">
      <h2 id="prompts-heading">Prompts</h2>
      ${this.prompts.length === 0 ? html`<p class="hint">The graph has no text prompt yet.</p>` : nothing}
      ${this.prompts.map(
        (p) => html`<label>${p.label}
          <input type="text" data-node=${p.id} .value=${p.text} @input=${(e: Event) => this.#typed(p.id, e, TYPING_PAUSE_MS)} @change=${(e: Event) => this.#typed(p.id, e, 0)} /></label>`,
      )}
      <form class="row" @submit=${this.#add}>
        <label class="grow">New prompt <input type="text" name="text" required placeholder="the sun" /></label>
        <button type="submit">Add prompt</button>
      </form>
      <p class="hint">Masks update a moment after you stop typing.</p>
    </section>`;
  }

  #typed(id: string, event: Event, delay: number): void {
    const text = (event.target as HTMLInputElement).value;
    clearTimeout(this.#timers.get(id));
    this.#timers.set(
      id,
      setTimeout(() => {
        this.#timers.delete(id);
        this.emit<PromptChange>('prompt-change', { id, text });
      }, delay),
    );
  }

  #add(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const text = String(new FormData(form).get('text') ?? '').trim();
    if (text === '') return;
    this.emit('prompt-add', text);
    form.reset();
  }
}
