import { LitElement } from 'lit';

/**
 * A lit element that renders into itself (no shadow root): the page's stylesheet applies, and labels, landmarks and
 * tests see one document.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Dispatches a bubbling `CustomEvent` named `type` with `detail`. */
  protected emit<T>(type: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent<T | undefined>(type, { detail, bubbles: true, composed: true }));
  }
}
