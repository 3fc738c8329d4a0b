import type { NodeCategory } from '../engine/node-definition.js';
import type { CLIPSegPlugin } from './clipseg-plugin.js';
import type { CLIPSegReteNode } from './rete-node.js';

/** One entry of rete-context-menu-plugin's classic preset: a node factory, or a submenu. */
export type MenuItem = [string, (() => CLIPSegReteNode) | MenuItem[]];

const GROUPS: readonly [NodeCategory, string][] = [
  ['input', 'Inputs'],
  ['model', 'Model'],
  ['mask', 'Mask operations'],
  ['output', 'Outputs'],
];

/**
 * The "add node" entries of the context menu, one submenu per category, for
 * `ContextMenuPresets.classic.setup(clipsegMenuItems(plugin))` (or merge them into a host's own list).
 */
export function clipsegMenuItems(plugin: CLIPSegPlugin): MenuItem[] {
  return GROUPS.flatMap(([category, label]): MenuItem[] => {
    const items = plugin.registry.definitions(category).map((d): MenuItem => [d.label, () => plugin.createNode(d.type)]);
    return items.length === 0 ? [] : [[label, items]];
  });
}
