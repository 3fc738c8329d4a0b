import { CLIPSegError } from '@clipseg/core';

/**
 * Error codes of `@clipseg/node-editor`:
 *
 * - `WORKFLOW_INVALID` — a workflow file failed validation; `details.problems` lists every {@link WorkflowProblem}.
 * - `WORKFLOW_UNKNOWN_NODE_TYPE` — a node type that is not in the registry.
 * - `WORKFLOW_DUPLICATE_NODE_TYPE` — registering a node type twice in one registry.
 * - `WORKFLOW_INPUT_MISSING` — a node ran without one of its required inputs connected.
 * - `WORKFLOW_CONTROL_INVALID` — a control value that its control spec refuses.
 * - `WORKFLOW_BUNDLE_UNKNOWN` — a CLIPSeg node names a bundle the host did not provide.
 * - `WORKFLOW_IMAGE_UNAVAILABLE` — an Image node whose image cannot be loaded (no source, unreadable source).
 * - `WORKFLOW_CANCELLED` — the run was cancelled (its signal aborted, or a newer live run replaced it).
 * - `WORKFLOW_CONNECTION_REFUSED` — an editor connection between incompatible sockets (or into a taken input).
 * - `WORKFLOW_NODE_FAILED` — wraps a non-toolkit error thrown by a node's compute.
 */
export type NodeEditorErrorCode =
  | 'WORKFLOW_INVALID'
  | 'WORKFLOW_UNKNOWN_NODE_TYPE'
  | 'WORKFLOW_DUPLICATE_NODE_TYPE'
  | 'WORKFLOW_INPUT_MISSING'
  | 'WORKFLOW_CONTROL_INVALID'
  | 'WORKFLOW_BUNDLE_UNKNOWN'
  | 'WORKFLOW_IMAGE_UNAVAILABLE'
  | 'WORKFLOW_CANCELLED'
  | 'WORKFLOW_CONNECTION_REFUSED'
  | 'WORKFLOW_NODE_FAILED';

/** A workflow that cannot be loaded or run, or an editor operation that was refused. */
export class NodeEditorError extends CLIPSegError<NodeEditorErrorCode> {}

/** True when `error` means "this run was cancelled" (ours, the pipeline's `PIPELINE_ABORTED`, or a DOM `AbortError`). */
export function isCancellation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return code === 'WORKFLOW_CANCELLED' || code === 'PIPELINE_ABORTED' || code === 'BACKEND_ABORTED' || name === 'AbortError';
}
