import type { NodeDefinition } from '../node-definition.js';
import { NodeRegistry } from '../node-registry.js';
import { clipsegNode } from './clipseg-node.js';
import { embeddingPromptNode, imageNode, imagePromptNode, mixEmbeddingsNode, negativePromptNode, textPromptNode } from './input-nodes.js';
import { blurNode, combineNode, invertNode, morphologyNode, resizeToImageNode, thresholdNode } from './mask-nodes.js';
import { exportNode, heatmapPreviewNode, maskPreviewNode } from './output-nodes.js';

/** Every built-in node type, in menu order. */
export const BUILTIN_NODES: readonly NodeDefinition[] = Object.freeze([
  imageNode,
  textPromptNode,
  imagePromptNode,
  embeddingPromptNode,
  mixEmbeddingsNode,
  negativePromptNode,
  clipsegNode,
  thresholdNode,
  blurNode,
  morphologyNode,
  combineNode,
  invertNode,
  resizeToImageNode,
  maskPreviewNode,
  heatmapPreviewNode,
  exportNode,
]);

/** A new {@link NodeRegistry} holding {@link BUILTIN_NODES} (add your own types to it). */
export function createDefaultRegistry(): NodeRegistry {
  return new NodeRegistry(BUILTIN_NODES);
}
