import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow } from '@clipseg/node-editor/engine';
import { EXAMPLE_SCENE_SOURCE } from '../images/example-scene.js';

/** The prompts of the example workflow: things the example scene shows. */
export const EXAMPLE_PROMPTS: readonly string[] = Object.freeze(['a red ball', 'the house']);

/**
 * The workflow the playground opens with: the example scene → two text prompts → two CLIPSeg nodes → a mask
 * preview and an overlay preview for each.
 */
export function exampleWorkflow(): Workflow {
  const nodes: Workflow['nodes'][number][] = [{ id: 'image', type: 'image', position: { x: 0, y: 0 }, controls: { source: EXAMPLE_SCENE_SOURCE } }];
  const connections: Workflow['connections'][number][] = [];
  EXAMPLE_PROMPTS.forEach((text, i) => {
    const n = i + 1;
    const y = i * 440;
    nodes.push(
      { id: `prompt-${n}`, type: 'text-prompt', position: { x: 0, y: 360 + i * 220 }, controls: { text } },
      { id: `clipseg-${n}`, type: 'clipseg', position: { x: 260, y }, controls: { bundle: 'default' } },
      { id: `mask-${n}`, type: 'mask-preview', position: { x: 520, y }, controls: {} },
      { id: `overlay-${n}`, type: 'heatmap-preview', position: { x: 760, y }, controls: { mode: 'overlay', colormap: 'viridis', alpha: 0.5 } },
    );
    connections.push(
      { source: 'image', sourceOutput: 'image', target: `clipseg-${n}`, targetInput: 'image' },
      { source: `prompt-${n}`, sourceOutput: 'text', target: `clipseg-${n}`, targetInput: 'prompt' },
      { source: `clipseg-${n}`, sourceOutput: 'mask', target: `mask-${n}`, targetInput: 'mask' },
      { source: `clipseg-${n}`, sourceOutput: 'mask', target: `overlay-${n}`, targetInput: 'mask' },
      { source: 'image', sourceOutput: 'image', target: `overlay-${n}`, targetInput: 'image' },
    );
  });
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, name: 'Example: a red ball and the house', nodes, connections, metadata: {} };
}
