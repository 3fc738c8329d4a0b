import type { RasterImage } from '@clipseg/processor';
import { toCanvas } from '@clipseg/runtime-web';
import { html, nothing } from 'lit';
import { LightElement } from './light-element.js';

/** Tag of {@link ImagePanelElement}. */
export const IMAGE_PANEL_TAG = 'playground-image-panel';

/**
 * `<playground-image-panel>`: the image the workflow segments (a thumbnail of the first Image node), with a file
 * picker, a URL field and the example scene. Fires `image-file` (a `File`), `image-url` (a string) and
 * `image-example`.
 */
export class ImagePanelElement extends LightElement {
  static override properties = { image: { attribute: false }, caption: {}, problem: {} };

  /** The decoded image to show, when it loaded. */
  declare image: RasterImage | undefined;
  /** What the image is (example scene, a file, a URL) and its size. */
  declare caption: string;
  /** Why the image could not be shown, when it could not. */
  declare problem: string | undefined;

  constructor() {
    super();
    this.caption = '';
  }

  protected override render() {
    return html`<section class="panel" aria-labelledby="image-heading">
      <h2 id="image-heading">Image</h2>
      <figure class="thumb">
        <canvas role="img" aria-label=${`Current image: ${this.caption || 'none'}`} ?hidden=${this.image === undefined}></canvas>
        <figcaption data-testid="image-caption">${this.caption || 'No image yet'}</figcaption>
      </figure>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
      <div class="row wrap">
        <label class="button">Choose an image…<input id="image-file" class="visually-hidden" type="file" accept="image/*" @change=${this.#picked} /></label>
        <button type="button" @click=${() => this.emit('image-example')}>Use the example scene</button>
      </div>
      <form class="row" @submit=${this.#url}>
        <label class="grow">Image URL <input type="url" name="url" required placeholder="https://…/photo.jpg" /></label>
        <button type="submit">Use</button>
      </form>
      <p class="hint">Or drop an image anywhere on the page.</p>
    </section>`;
  }

  protected override updated(): void {
    const canvas = this.querySelector('canvas');
    if (canvas !== null && this.image !== undefined) toCanvas(this.image, canvas);
  }

  #picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file !== undefined) this.emit('image-file', file);
    input.value = '';
  }

  #url(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const url = String(new FormData(form).get('url') ?? '').trim();
    if (url !== '') this.emit('image-url', url);
  }
}
