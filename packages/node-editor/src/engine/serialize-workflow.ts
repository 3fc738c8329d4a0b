import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow } from './workflow.js';

/** The workflow as stable, indented JSON (what `validateWorkflow` reads back to an equal workflow). */
export function serializeWorkflow(workflow: Workflow): string {
  const out = {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    ...(workflow.name === undefined ? {} : { name: workflow.name }),
    nodes: workflow.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      ...(n.label === undefined ? {} : { label: n.label }),
      ...(n.position === undefined ? {} : { position: { x: n.position.x, y: n.position.y } }),
      controls: n.controls,
    })),
    connections: workflow.connections.map((c) => ({ source: c.source, sourceOutput: c.sourceOutput, target: c.target, targetInput: c.targetInput })),
    ...(workflow.metadata === undefined ? {} : { metadata: workflow.metadata }),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
