import { html, type TemplateResult } from 'lit';
import { CLIPSegFieldControl, CLIPSegStatusControl } from './rete-node.js';

/** The `control` customization of `@retejs/lit-plugin`'s classic preset. */
export type ControlCustomizer = (data: { payload: unknown }) => () => TemplateResult | null;

/**
 * Customizations for `Presets.classic.setup({ customize })` of `@retejs/lit-plugin` that render our controls
 * (`<clipseg-control-field>`, `<clipseg-node-status>`) and leave every other control to `base` (or the classic
 * `<rete-control>`). Requires {@link defineElements}.
 *
 * @example
 * ```ts
 * render.addPreset(Presets.classic.setup({ customize: clipsegCustomize() }));
 * ```
 */
export function clipsegCustomize(base: { control?: ControlCustomizer } = {}): { control: ControlCustomizer } {
  return {
    control(data) {
      const control = data.payload;
      if (control instanceof CLIPSegFieldControl) return () => html`<clipseg-control-field .control=${control}></clipseg-control-field>`;
      if (control instanceof CLIPSegStatusControl) return () => html`<clipseg-node-status .control=${control}></clipseg-node-status>`;
      return base.control?.(data) ?? (() => html`<rete-control .data=${control}></rete-control>`);
    },
  };
}
