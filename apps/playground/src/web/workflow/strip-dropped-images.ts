import type { Workflow } from '@clipseg/node-editor/engine';
import { EXAMPLE_SCENE_SOURCE } from '../images/example-scene.js';

/**
 * A copy of `workflow` in which every Image node holding a dropped or picked file (a `data:` URL, often megabytes)
 * shows the example scene instead, for links and storage that cannot hold the image; `replaced` counts them.
 */
export function stripDroppedImages(workflow: Workflow): { workflow: Workflow; replaced: number } {
  let replaced = 0;
  const nodes = workflow.nodes.map((node) => {
    const source = node.controls?.source;
    if (node.type !== 'image' || typeof source !== 'string' || !source.startsWith('data:')) return node;
    replaced++;
    return { ...node, controls: { ...node.controls, source: EXAMPLE_SCENE_SOURCE } };
  });
  return { workflow: { ...workflow, nodes }, replaced };
}
