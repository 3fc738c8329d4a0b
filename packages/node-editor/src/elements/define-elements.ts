import { CLIPSegControlFieldElement, CONTROL_FIELD_TAG } from './control-field-element.js';
import { CLIPSegNodeStatusElement, NODE_STATUS_TAG } from './node-status-element.js';

/** The custom elements {@link defineElements} defines, by tag. */
export const ELEMENT_TAGS: readonly string[] = Object.freeze([CONTROL_FIELD_TAG, NODE_STATUS_TAG]);

/**
 * Defines this package's custom elements (`<clipseg-control-field>`, `<clipseg-node-status>`) and loads
 * `@retejs/lit-plugin`, whose module defines its `rete-*` elements when first evaluated. Nothing is defined at
 * import time; call this once before mounting or rendering (calling it again is harmless: defined tags are
 * skipped).
 *
 * @param registry - where to define our elements (default: the global `customElements`; pass a scoped registry
 *   to keep them out of the global one)
 */
export async function defineElements(registry: CustomElementRegistry = customElements): Promise<void> {
  await import('@retejs/lit-plugin');
  const elements: readonly [string, CustomElementConstructor][] = [
    [CONTROL_FIELD_TAG, CLIPSegControlFieldElement],
    [NODE_STATUS_TAG, CLIPSegNodeStatusElement],
  ];
  for (const [tag, element] of elements) if (registry.get(tag) === undefined) registry.define(tag, element);
}
