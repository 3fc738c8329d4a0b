import type { WorkflowConnection } from './workflow.js';

/**
 * Orders node ids so that every connection's source comes before its target (Kahn's algorithm, stable: ties keep
 * the order of `ids`).
 *
 * @returns the order, and the ids left over because they sit on or behind a cycle (empty for a DAG)
 */
export function topologicalOrder(ids: readonly string[], connections: readonly WorkflowConnection[]): { order: string[]; cyclic: string[] } {
  const known = new Set(ids);
  const indegree = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const c of connections) {
    if (!known.has(c.source) || !known.has(c.target)) continue;
    next.get(c.source)!.push(c.target);
    indegree.set(c.target, indegree.get(c.target)! + 1);
  }
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const target of next.get(id)!) {
      const d = indegree.get(target)! - 1;
      indegree.set(target, d);
      if (d === 0) ready.push(target);
    }
  }
  const placed = new Set(order);
  return { order, cyclic: ids.filter((id) => !placed.has(id)) };
}
