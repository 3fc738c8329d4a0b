import { css, html, LitElement, type PropertyValues } from 'lit';
import type { CLIPSegStatusControl } from '../editor/rete-node.js';
import { drawPreview } from './draw-preview.js';

/** Tag of {@link CLIPSegNodeStatusElement}. */
export const NODE_STATUS_TAG = 'clipseg-node-status';

const COLORS: Readonly<Record<string, string>> = { idle: '#9aa0a6', running: '#f9ab00', done: '#34a853', error: '#ea4335', blocked: '#9aa0a6' };

/**
 * `<clipseg-node-status>`: a node's state, progress and preview (an image drawn into a canvas, or a line of text).
 * Set `.control` to the node's `CLIPSegStatusControl`; it re-renders on every change.
 */
export class CLIPSegNodeStatusElement extends LitElement {
  static override properties = { control: { attribute: false } };
  static override styles = css`
    :host { display: block; font: 12px sans-serif; color: white; }
    .state { display: flex; gap: 6px; align-items: center; }
    .dot { width: 9px; height: 9px; border-radius: 50%; flex: none; }
    .state, .text { height: 16px; line-height: 16px; }
    .message, .text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .detail { height: 30px; overflow: hidden; }
    .error { color: #ffd7d3; white-space: normal; word-break: break-word; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; line-height: 15px; }
    progress { width: 100%; height: 6px; margin-top: 8px; }
    .image { height: 84px; display: flex; align-items: center; justify-content: flex-start; }
    canvas { display: block; max-width: 100%; max-height: 84px; image-rendering: pixelated; background: #222; }
  `;

  /** The node's status control. */
  declare control: CLIPSegStatusControl | undefined;
  #unsubscribe: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('control')) this.#follow();
  }

  #follow(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = this.control?.subscribe(() => this.requestUpdate());
  }

  protected override render() {
    const status = this.control?.status;
    if (status === undefined) return html``;
    // Every part has a fixed height, reserved from the first render: the sockets below must never move.
    const reserved = this.control?.preview ?? 'none';
    const preview = this.control?.result?.preview;
    return html`
      <div class="state" data-state=${status.state}>
        <span class="dot" style="background:${COLORS[status.state]}"></span>
        <span class="message" title=${status.message ?? ''}>${status.state}${status.message ? `: ${status.message}` : ''}</span>
      </div>
      <div class="detail">
        ${status.state === 'running' ? html`<progress max="1" .value=${status.progress}></progress>` : null}
        ${status.error ? html`<div class="error" title=${`${status.error.code}: ${status.error.message}`}>${status.error.message}</div>` : null}
      </div>
      ${reserved === 'image' ? html`<div class="image">${preview?.kind === 'image' ? html`<canvas></canvas>` : null}</div>` : null}
      ${reserved !== 'none' ? html`<div class="text">${preview?.kind === 'image' ? (preview.caption ?? '') : preview?.kind === 'text' ? preview.text : ''}</div>` : null}
    `;
  }

  protected override updated(): void {
    const preview = this.control?.result?.preview;
    const canvas = this.renderRoot.querySelector('canvas');
    if (canvas !== null && preview?.kind === 'image') drawPreview(canvas, preview.image);
  }

  /** The preview canvas, when the node shows an image. */
  get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas');
  }
}
