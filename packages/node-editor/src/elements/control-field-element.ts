import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { BoxValue, ControlValue } from '../engine/controls.js';
import type { CLIPSegFieldControl } from '../editor/rete-node.js';

/** Tag of {@link CLIPSegControlFieldElement}. */
export const CONTROL_FIELD_TAG = 'clipseg-control-field';

/** Parses pasted or loaded embedding text: a JSON array, or numbers separated by commas or white space. */
export function parseVector(text: string): number[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const json = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(json) ? json : typeof json === 'object' && json !== null && Array.isArray((json as { embedding?: unknown }).embedding) ? (json as { embedding: unknown[] }).embedding : undefined;
    if (list !== undefined) return list.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (list as number[]) : undefined;
  } catch {
    // not JSON: plain numbers
  }
  const values = trimmed.split(/[\s,;]+/).map(Number);
  return values.every(Number.isFinite) ? values : undefined;
}

const readAsDataUrl = (file: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });

const stop = (event: Event) => event.stopPropagation();

/**
 * `<clipseg-control-field>`: edits one control of a node (text, number, select, boolean, image source with file
 * picker and drop, embedding vector with paste and file load, box, bundle). Set `.control`.
 */
export class CLIPSegControlFieldElement extends LitElement {
  static override properties = { control: { attribute: false }, invalid: { state: true } };
  static override styles = css`
    :host { display: block; font: 12px sans-serif; color: white; }
    label { display: block; margin-bottom: 2px; opacity: 0.9; }
    input, select, textarea { width: 100%; box-sizing: border-box; font-size: 12px; border-radius: 4px; border: 1px solid #999; padding: 2px 4px; }
    textarea { height: 3.2em; resize: vertical; }
    .box { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2px; }
    .row { display: flex; gap: 4px; align-items: center; }
    .drop { border: 1px dashed #ccc; border-radius: 4px; padding: 2px 4px; margin-top: 2px; text-align: center; }
    .drop.over { background: rgba(255, 255, 255, 0.2); }
    .invalid { outline: 2px solid #ea4335; }
    .pick { display: inline; position: relative; margin: 0; cursor: pointer; }
    .pick:focus-within { outline: 2px solid #8ab4f8; outline-offset: 1px; }
    .file { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
  `;

  /** The control this field edits. */
  declare control: CLIPSegFieldControl | undefined;
  declare invalid: boolean;
  #unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.invalid = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = this.control?.subscribe(() => this.requestUpdate());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('control')) {
      this.#unsubscribe?.();
      this.#unsubscribe = this.control?.subscribe(() => this.requestUpdate());
    }
  }

  #set(value: ControlValue): void {
    this.invalid = false;
    this.control?.setValue(value);
  }

  protected override render() {
    const control = this.control;
    if (control === undefined) return nothing;
    const { spec } = control;
    const value = control.value;
    const label = html`<label>${spec.label}</label>`;
    switch (spec.kind) {
      case 'text':
        return html`${label}${spec.multiline
          ? html`<textarea @pointerdown=${stop} aria-label=${spec.label} .value=${value as string} @change=${(e: Event) => this.#set((e.target as HTMLTextAreaElement).value)}></textarea>`
          : html`<input @pointerdown=${stop} type="text" aria-label=${spec.label} .value=${value as string} @change=${(e: Event) => this.#set((e.target as HTMLInputElement).value)} />`}`;
      case 'number':
        return html`${label}<input @pointerdown=${stop} type="number" aria-label=${spec.label} class=${this.invalid ? 'invalid' : ''} step=${spec.step ?? 'any'} min=${spec.min ?? nothing} max=${spec.max ?? nothing} .value=${String(value)}
          @change=${(e: Event) => {
            const n = Number((e.target as HTMLInputElement).value);
            const ok = Number.isFinite(n) && (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max) && (!spec.integer || Number.isInteger(n));
            if (ok) this.#set(n);
            else this.invalid = true;
          }} />`;
      case 'select':
      case 'bundle': {
        const options = spec.kind === 'select' ? spec.options : control.bundles.includes(value as string) ? control.bundles : [value as string, ...control.bundles];
        return html`${label}<select @pointerdown=${stop} aria-label=${spec.label} @change=${(e: Event) => this.#set((e.target as HTMLSelectElement).value)}>
          ${options.map((o) => html`<option value=${o} ?selected=${o === value}>${o}</option>`)}
        </select>`;
      }
      case 'boolean':
        return html`<label class="row"><input @pointerdown=${stop} type="checkbox" style="width:auto" .checked=${value === true} @change=${(e: Event) => this.#set((e.target as HTMLInputElement).checked)} />${spec.label}</label>`;
      case 'image-source': {
        const source = value as string;
        const shown = source.startsWith('data:') ? '(dropped or picked file)' : source;
        return html`${label}<input @pointerdown=${stop} type="text" placeholder="URL" aria-label=${`${spec.label} URL`} .value=${shown} @change=${(e: Event) => this.#set((e.target as HTMLInputElement).value)} />
          <div class="drop" @pointerdown=${stop} @dragover=${(e: DragEvent) => { e.preventDefault(); (e.currentTarget as HTMLElement).classList.add('over'); }}
            @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('over')}
            @drop=${(e: DragEvent) => this.#drop(e)}><label class="pick">drop an image or <u>pick a file</u><input type="file" accept="image/*" class="file" aria-label=${`${spec.label}: pick an image file`} @change=${(e: Event) => this.#pick(e)} /></label></div>`;
      }
      case 'vector': {
        const values = value as readonly number[];
        return html`${label}<textarea @pointerdown=${stop} aria-label=${spec.label} class=${this.invalid ? 'invalid' : ''} placeholder="paste numbers or a JSON array" .value=${values.join(', ')}
            @change=${(e: Event) => this.#vector((e.target as HTMLTextAreaElement).value)}></textarea>
          <div class="row" @pointerdown=${stop}>${values.length} values · <label class="pick"><u>load a file</u><input type="file" accept=".json,.txt,.csv" class="file" aria-label=${`${spec.label}: load values from a file`} @change=${async (e: Event) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (file) this.#vector(await file.text());
          }} /></label></div>`;
      }
      case 'box': {
        const box = value as BoxValue | null;
        const keys = ['x', 'y', 'width', 'height'] as const;
        return html`${label}<div class="box" @pointerdown=${stop}>
          ${keys.map((k) => html`<input type="number" placeholder=${k} title=${k} aria-label=${`${spec.label} ${k}`} .value=${box ? String(box[k]) : ''} @change=${(e: Event) => this.#box(k, (e.target as HTMLInputElement).value)} />`)}
        </div>`;
      }
    }
  }

  #vector(text: string): void {
    const values = parseVector(text);
    if (values === undefined) this.invalid = true;
    else this.#set(values);
  }

  #box(key: 'x' | 'y' | 'width' | 'height', text: string): void {
    const current = (this.control?.value as BoxValue | null) ?? { x: 0, y: 0, width: 1, height: 1 };
    if (text.trim() === '') return this.#set(null);
    const n = Number(text);
    if (!Number.isFinite(n) || ((key === 'width' || key === 'height') && n <= 0)) {
      this.invalid = true;
      return;
    }
    this.#set({ ...current, [key]: n });
  }

  async #pick(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) this.#set(await readAsDataUrl(file));
  }

  async #drop(event: DragEvent): Promise<void> {
    event.preventDefault();
    (event.currentTarget as HTMLElement | null)?.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) this.#set(await readAsDataUrl(file));
    else {
      const url = event.dataTransfer?.getData('text/uri-list') || event.dataTransfer?.getData('text/plain');
      if (url) this.#set(url.trim());
    }
  }
}
