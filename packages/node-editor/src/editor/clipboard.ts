import type { Workflow } from '../engine/workflow.js';
import type { CLIPSegPlugin } from './clipseg-plugin.js';
import type { CLIPSegReteNode } from './rete-node.js';

/** A copied selection: the nodes as workflow nodes and the connections among them. */
export type ClipboardContent = Pick<Workflow, 'nodes' | 'connections'>;

/** The selected nodes of `plugin` (and the connections between them) as clipboard content, or `undefined` when none is selected. */
export function copyNodes(plugin: CLIPSegPlugin, nodes: readonly CLIPSegReteNode[]): ClipboardContent | undefined {
  if (nodes.length === 0) return undefined;
  const ids = new Set(nodes.map((n) => n.id));
  const all = plugin.toWorkflow();
  return { nodes: all.nodes.filter((n) => ids.has(n.id)), connections: all.connections.filter((c) => ids.has(c.source) && ids.has(c.target)) };
}

/** Adds a copy of `content` (new ids, moved by `offset`), connected as copied; returns the new nodes. */
export async function pasteNodes(plugin: CLIPSegPlugin, content: ClipboardContent, offset = { x: 40, y: 40 }): Promise<CLIPSegReteNode[]> {
  const added = new Map<string, CLIPSegReteNode>();
  for (const n of content.nodes) {
    const p = n.position ?? { x: 0, y: 0 };
    added.set(n.id, await plugin.addNode(n.type, { controls: n.controls, position: { x: p.x + offset.x, y: p.y + offset.y } }));
  }
  for (const c of content.connections) await plugin.connect(added.get(c.source)!, c.sourceOutput, added.get(c.target)!, c.targetInput);
  return [...added.values()];
}
