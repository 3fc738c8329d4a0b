import { html, nothing } from 'lit';
import type { ModelView } from '../model/model-controller.js';
import { LightElement } from './light-element.js';

/** Tag of {@link StatusBarElement}. */
export const STATUS_BAR_TAG = 'playground-status-bar';

/** One settled run of the graph. */
export interface RunRecord {
  /** Wall time, in ms. */
  readonly durationMs: number;
  /** Nodes that ended in error. */
  readonly failed: number;
  /** When it ended. */
  readonly at: Date;
}

/**
 * `<playground-status-bar>`: the model in use (flagged when untrained), the backend it runs on (WebGPU, WASM
 * threads, WASM single thread, with the reason for a fallback), and the time of the latest runs.
 */
export class StatusBarElement extends LightElement {
  static override properties = { model: { attribute: false }, runs: { attribute: false } };

  /** The model state. */
  declare model: ModelView | undefined;
  /** Settled runs, latest last. */
  declare runs: readonly RunRecord[];

  constructor() {
    super();
    this.runs = [];
  }

  protected override render() {
    const active = this.model?.active;
    const last = this.runs.at(-1);
    return html`<dl class="status">
      <div>
        <dt>Model</dt>
        <dd data-testid="model-label">${active ? active.label : this.model?.loading ? 'loading…' : 'none'}
          ${active?.untrained ? html`<span class="badge warn" title="Random weights: its masks are not meaningful. Load a real model in the Model panel.">untrained: masks are not meaningful</span>` : nothing}</dd>
      </div>
      <div>
        <dt>Backend</dt>
        <dd data-testid="backend" title=${active?.backend.detail ?? ''}>${active ? active.backend.label : '…'}${active?.backend.note ? html` <span class="muted">(${active.backend.note})</span>` : nothing}</dd>
      </div>
      <div>
        <dt>Last run</dt>
        <dd data-testid="run-time" title=${this.runs.map((r) => `${r.at.toLocaleTimeString()}: ${Math.round(r.durationMs)} ms`).join('\n')}>
          ${last ? html`${Math.round(last.durationMs)} ms${last.failed > 0 ? html` · <span class="warn-text">${last.failed} node${last.failed === 1 ? '' : 's'} failed</span>` : nothing}` : '…'}
        </dd>
      </div>
    </dl>`;
  }
}
