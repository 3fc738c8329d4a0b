/**
 * `@clipseg/node-editor`: a Rete.js v2 plugin, rendered with lit, for composing CLIPSeg workflows visually — mount
 * it standalone ({@link mountCLIPSegEditor}) or use {@link CLIPSegPlugin} in your own Rete editor. Workflows save
 * as versioned JSON and run headless through `@clipseg/node-editor/engine` (re-exported here).
 *
 * Nothing happens at import time: call {@link defineElements} before rendering. The package imports no runtime;
 * pass `services` (pipelines and an image loader) from `@clipseg/runtime-web` or `@clipseg/runtime-node`.
 *
 * @packageDocumentation
 */
export * from './engine/index.js';
export { defineElements, ELEMENT_TAGS } from './elements/define-elements.js';
export { CLIPSegControlFieldElement, CONTROL_FIELD_TAG, parseVector } from './elements/control-field-element.js';
export { CLIPSegNodeStatusElement, NODE_STATUS_TAG } from './elements/node-status-element.js';
export { drawPreview, toRgbaPixels } from './elements/draw-preview.js';
export { CLIPSegFieldControl, CLIPSegReteNode, CLIPSegSocket, CLIPSegStatusControl, STATUS_CONTROL_KEY } from './editor/rete-node.js';
export type { NodeEvaluator } from './editor/rete-node.js';
export { CLIPSegPlugin } from './editor/clipseg-plugin.js';
export type { CLIPSegPluginOptions, CLIPSegSchemes, HistoryLike, RunSummary } from './editor/clipseg-plugin.js';
export { clipsegCustomize } from './editor/lit-customize.js';
export type { ControlCustomizer } from './editor/lit-customize.js';
export { clipsegMenuItems } from './editor/context-menu-items.js';
export type { MenuItem } from './editor/context-menu-items.js';
export { bindShortcuts, shortcutFor } from './editor/keyboard-shortcuts.js';
export type { ShortcutActions } from './editor/keyboard-shortcuts.js';
export { copyNodes, pasteNodes } from './editor/clipboard.js';
export type { ClipboardContent } from './editor/clipboard.js';
export { mountCLIPSegEditor } from './editor/mount-editor.js';
export type { CLIPSegEditor, MountCLIPSegEditorOptions } from './editor/mount-editor.js';
