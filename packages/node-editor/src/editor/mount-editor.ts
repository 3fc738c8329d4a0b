import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { ContextMenuPlugin, Presets as ContextMenuPresets } from 'rete-context-menu-plugin';
import { HistoryPlugin, Presets as HistoryPresets } from 'rete-history-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { defineElements } from '../elements/define-elements.js';
import type { WorkflowMigration } from '../engine/migrations.js';
import type { WorkflowValidation } from '../engine/validate-workflow.js';
import type { Workflow } from '../engine/workflow.js';
import { copyNodes, pasteNodes, type ClipboardContent } from './clipboard.js';
import { CLIPSegPlugin, type CLIPSegPluginOptions, type CLIPSegSchemes } from './clipseg-plugin.js';
import { clipsegMenuItems } from './context-menu-items.js';
import { bindShortcuts } from './keyboard-shortcuts.js';
import { clipsegCustomize } from './lit-customize.js';
import type { CLIPSegReteNode } from './rete-node.js';

/** Options of {@link mountCLIPSegEditor}. */
export interface MountCLIPSegEditorOptions extends CLIPSegPluginOptions {
  /** Show the minimap (default true). */
  readonly minimap?: boolean;
  /** Keyboard shortcuts: Delete, Ctrl/⌘+C/V/Z/Y, Ctrl/⌘+Shift+Z, F (default true). */
  readonly shortcuts?: boolean;
}

/** A mounted standalone editor. */
export interface CLIPSegEditor {
  /** The Rete editor. */
  readonly editor: NodeEditor<CLIPSegSchemes>;
  /** The area (canvas). */
  readonly area: AreaPlugin<CLIPSegSchemes, never>;
  /** Our plugin: nodes, runs, workflows. */
  readonly plugin: CLIPSegPlugin;
  /** rete-history-plugin (undo/redo of nodes, connections, moves and control changes). */
  readonly history: HistoryPlugin<CLIPSegSchemes>;
  /** Undoes the last change. */
  undo(): Promise<void>;
  /** Redoes the last undone change. */
  redo(): Promise<void>;
  /** Zooms to show every node. */
  fit(): Promise<void>;
  /** The selected nodes. */
  selected(): CLIPSegReteNode[];
  /** Deletes the selected nodes (and their connections). */
  deleteSelected(): Promise<void>;
  /** Copies the selected nodes to this editor's clipboard. */
  copySelected(): void;
  /** Pastes the clipboard, offset from the originals. */
  paste(): Promise<CLIPSegReteNode[]>;
  /** The graph as a workflow (see {@link CLIPSegPlugin.toWorkflow}). */
  toWorkflow(meta?: { name?: string; metadata?: Record<string, unknown> }): Workflow;
  /** Validates, then (only when valid) replaces the graph and clears the undo history; returns every problem otherwise. */
  loadWorkflow(input: unknown, options?: { migrations?: readonly WorkflowMigration[] }): Promise<WorkflowValidation>;
  /** Unmounts everything and cancels runs. */
  destroy(): void;
}

/**
 * Mounts a standalone editor into `container`: Rete's editor and area, connections, the lit renderer with our
 * controls and previews, a context menu (add nodes by category; delete/clone a node), a minimap, undo/redo,
 * selection and keyboard shortcuts, and the {@link CLIPSegPlugin} running the graph live on `options.services`.
 * Calls {@link defineElements} first.
 *
 * @example
 * ```ts
 * const ui = await mountCLIPSegEditor(document.querySelector('#editor')!, { services });
 * const image = await ui.plugin.addNode('image', { position: { x: 0, y: 0 } });
 * ```
 */
export async function mountCLIPSegEditor(container: HTMLElement, options: MountCLIPSegEditorOptions): Promise<CLIPSegEditor> {
  await defineElements();
  const { LitPlugin, Presets: LitPresets } = await import('@retejs/lit-plugin');
  const editor = new NodeEditor<CLIPSegSchemes>();
  const area = new AreaPlugin<CLIPSegSchemes, never>(container);
  const connection = new ConnectionPlugin<CLIPSegSchemes, never>();
  const render = new LitPlugin<CLIPSegSchemes, never>();
  const history = new HistoryPlugin<CLIPSegSchemes>();
  const plugin = new CLIPSegPlugin(options);
  const contextMenu = new ContextMenuPlugin<CLIPSegSchemes>({ items: ContextMenuPresets.classic.setup(clipsegMenuItems(plugin) as never) });

  AreaExtensions.selectableNodes(area, AreaExtensions.selector(), { accumulating: AreaExtensions.accumulateOnCtrl() });
  AreaExtensions.simpleNodesOrder(area);
  connection.addPreset(ConnectionPresets.classic.setup() as never);
  render.addPreset(LitPresets.classic.setup({ customize: clipsegCustomize() as never }) as never);
  render.addPreset(LitPresets.contextMenu.setup() as never);
  history.addPreset(HistoryPresets.classic.setup() as never);

  editor.use(area);
  area.use(connection as never);
  area.use(render as never);
  area.use(history as never);
  area.use(contextMenu as never);
  if (options.minimap !== false) {
    render.addPreset(LitPresets.minimap.setup({ size: 160 }) as never);
    area.use(new MinimapPlugin<CLIPSegSchemes>() as never);
  }
  area.use(plugin as never);
  plugin.trackHistory(history);

  let clipboard: ClipboardContent | undefined;
  const selected = () => plugin.nodes().filter((n) => n.selected === true);
  const ui: CLIPSegEditor = {
    editor,
    area,
    plugin,
    history,
    undo: () => history.undo(),
    redo: () => history.redo(),
    fit: () => AreaExtensions.zoomAt(area, editor.getNodes()),
    selected,
    async deleteSelected() {
      for (const node of selected()) {
        for (const c of editor.getConnections()) if (c.source === node.id || c.target === node.id) await editor.removeConnection(c.id);
        await editor.removeNode(node.id);
      }
    },
    copySelected() {
      clipboard = copyNodes(plugin, selected()) ?? clipboard;
    },
    paste: () => (clipboard === undefined ? Promise.resolve([]) : pasteNodes(plugin, clipboard)),
    toWorkflow: (meta) => plugin.toWorkflow(meta),
    async loadWorkflow(input, loadOptions) {
      const result = await plugin.loadWorkflow(input, loadOptions);
      if (result.ok) {
        history.clear();
        await AreaExtensions.zoomAt(area, editor.getNodes());
      }
      return result;
    },
    destroy() {
      unbind();
      plugin.dispose();
      area.destroy();
    },
  };
  const unbind =
    options.shortcuts === false
      ? () => undefined
      : bindShortcuts(container, { delete: ui.deleteSelected, copy: ui.copySelected, paste: async () => void (await ui.paste()), undo: ui.undo, redo: ui.redo, fit: ui.fit });
  return ui;
}
