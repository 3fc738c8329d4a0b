/**
 * `@clipseg/node-editor/engine`: the DOM-free core of the node editor — node definitions, the node registry, the
 * workflow JSON schema with its validator and migrations, and the executor that runs workflows against an injected
 * `CLIPSeg` pipeline. Imports neither lit nor Rete nor a runtime; runs in Node and in browsers.
 *
 * @packageDocumentation
 */
export { isCancellation, NodeEditorError } from './errors.js';
export type { NodeEditorErrorCode } from './errors.js';
export { canConnect, isSocketType, SOCKET_TYPES } from './sockets.js';
export type { SocketType } from './sockets.js';
export { checkControlValue, defaultControls } from './controls.js';
export type {
  BooleanControlSpec,
  BoxControlSpec,
  BoxValue,
  BundleControlSpec,
  ControlSpec,
  ControlValue,
  ControlValues,
  ImageSourceControlSpec,
  NumberControlSpec,
  SelectControlSpec,
  TextControlSpec,
  VectorControlSpec,
} from './controls.js';
export { inputValue, inputValues } from './node-definition.js';
export type {
  ComputeContext,
  EmbeddingValue,
  ExportArtifact,
  InputSpec,
  NodeCategory,
  NodeDefinition,
  NodeInputs,
  NodePreview,
  NodeResult,
  OutputSpec,
  SocketValueMap,
  WorkflowPipeline,
} from './node-definition.js';
export { NodeRegistry } from './node-registry.js';
export { BUILTIN_NODES, createDefaultRegistry } from './nodes/builtin-nodes.js';
export { clipsegNode } from './nodes/clipseg-node.js';
export { EXAMPLE_SCENE_SOURCE, embeddingPromptNode, IMAGE_PROMPT_MODES, imageNode, imagePromptNode, MIX_SLOTS, mixEmbeddingsNode, negativePromptNode, textPromptNode } from './nodes/input-nodes.js';
export { blurNode, combineNode, invertNode, morphologyNode, resizeToImageNode, thresholdNode } from './nodes/mask-nodes.js';
export { exportNode, heatmapPreviewNode, maskPreviewNode } from './nodes/output-nodes.js';
export { WORKFLOW_FORMAT, WORKFLOW_VERSION } from './workflow.js';
export type { Workflow, WorkflowConnection, WorkflowNode, WorkflowPosition, WorkflowProblem, WorkflowProblemCode } from './workflow.js';
export { BUILTIN_MIGRATIONS, migrateWorkflowDocument } from './migrations.js';
export type { WorkflowMigration } from './migrations.js';
export { formatProblems, parseWorkflow, validateWorkflow } from './validate-workflow.js';
export type { ValidateWorkflowOptions, WorkflowValidation } from './validate-workflow.js';
export { serializeWorkflow } from './serialize-workflow.js';
export { topologicalOrder } from './graph-order.js';
export { IDLE_STATUS } from './node-status.js';
export type { NodeState, NodeStatus } from './node-status.js';
export { WorkflowRun } from './workflow-run.js';
export type { WorkflowRunOptions } from './workflow-run.js';
export { WorkflowExecutor } from './workflow-executor.js';
export type { ImageRequest, WorkflowExecutorOptions, WorkflowRunResult, WorkflowServices } from './workflow-executor.js';
