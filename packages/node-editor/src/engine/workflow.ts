import type { ControlValue } from './controls.js';

/** The `format` field of every workflow file. */
export const WORKFLOW_FORMAT = 'clipseg-workflow';

/** The workflow file version this package writes (and reads without migration). */
export const WORKFLOW_VERSION = 1;

/** A point on the editor's canvas. */
export interface WorkflowPosition {
  /** Horizontal, in canvas units. */
  readonly x: number;
  /** Vertical, in canvas units. */
  readonly y: number;
}

/** One node of a workflow. */
export interface WorkflowNode {
  /** Unique within the workflow. */
  readonly id: string;
  /** A registered node type (`threshold`, `clipseg` …). */
  readonly type: string;
  /** Title override shown in the editor. */
  readonly label?: string;
  /** Where the editor draws it. */
  readonly position?: WorkflowPosition;
  /** Every control of the node type, by key (a loaded workflow has defaults filled in). */
  readonly controls: Readonly<Record<string, ControlValue>>;
}

/** A connection from an output of one node to an input of another. */
export interface WorkflowConnection {
  /** Id of the node whose output is read. */
  readonly source: string;
  /** Output key of `source`. */
  readonly sourceOutput: string;
  /** Id of the node whose input is fed. */
  readonly target: string;
  /** Input key of `target`. */
  readonly targetInput: string;
}

/** A workflow document (version {@link WORKFLOW_VERSION}); see the package README for its JSON schema. */
export interface Workflow {
  /** Always {@link WORKFLOW_FORMAT}. */
  readonly format: typeof WORKFLOW_FORMAT;
  /** Always {@link WORKFLOW_VERSION} once loaded (older files are migrated). */
  readonly version: typeof WORKFLOW_VERSION;
  /** Optional name. */
  readonly name?: string;
  /** Nodes, in file order. */
  readonly nodes: readonly WorkflowNode[];
  /** Connections, in file order. */
  readonly connections: readonly WorkflowConnection[];
  /** Free-form data a host keeps with the workflow (kept as is). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Codes of the problems a workflow file can have:
 *
 * - `WORKFLOW_JSON_INVALID` — the text is not JSON.
 * - `WORKFLOW_NOT_OBJECT` — the document (or a node or connection) is not an object.
 * - `WORKFLOW_FORMAT` — `format` is not `clipseg-workflow`.
 * - `WORKFLOW_VERSION_INVALID` — `version` is not a positive integer.
 * - `WORKFLOW_VERSION_NEWER` — the file was written by a newer version of this package.
 * - `WORKFLOW_VERSION_UNSUPPORTED` — an older version that no migration upgrades.
 * - `WORKFLOW_MIGRATION_FAILED` — a migration threw.
 * - `WORKFLOW_FIELD_MISSING` — a required field is absent.
 * - `WORKFLOW_FIELD_INVALID` — a field has the wrong type or value.
 * - `WORKFLOW_FIELD_UNKNOWN` — a field this version does not define.
 * - `WORKFLOW_NODE_DUPLICATE_ID` — two nodes share an id.
 * - `WORKFLOW_NODE_UNKNOWN_TYPE` — a node type missing from the registry.
 * - `WORKFLOW_CONTROL_UNKNOWN` — a control the node type does not have.
 * - `WORKFLOW_CONTROL_INVALID` — a control value its spec refuses.
 * - `WORKFLOW_CONNECTION_UNKNOWN_NODE` — a connection to or from a node that does not exist.
 * - `WORKFLOW_CONNECTION_UNKNOWN_PORT` — an output or input key the node type does not have.
 * - `WORKFLOW_CONNECTION_INCOMPATIBLE` — socket types that cannot be connected.
 * - `WORKFLOW_CONNECTION_INPUT_TAKEN` — a second connection into an input that takes one.
 * - `WORKFLOW_CYCLE` — connections forming a cycle.
 */
export type WorkflowProblemCode =
  | 'WORKFLOW_JSON_INVALID'
  | 'WORKFLOW_NOT_OBJECT'
  | 'WORKFLOW_FORMAT'
  | 'WORKFLOW_VERSION_INVALID'
  | 'WORKFLOW_VERSION_NEWER'
  | 'WORKFLOW_VERSION_UNSUPPORTED'
  | 'WORKFLOW_MIGRATION_FAILED'
  | 'WORKFLOW_FIELD_MISSING'
  | 'WORKFLOW_FIELD_INVALID'
  | 'WORKFLOW_FIELD_UNKNOWN'
  | 'WORKFLOW_NODE_DUPLICATE_ID'
  | 'WORKFLOW_NODE_UNKNOWN_TYPE'
  | 'WORKFLOW_CONTROL_UNKNOWN'
  | 'WORKFLOW_CONTROL_INVALID'
  | 'WORKFLOW_CONNECTION_UNKNOWN_NODE'
  | 'WORKFLOW_CONNECTION_UNKNOWN_PORT'
  | 'WORKFLOW_CONNECTION_INCOMPATIBLE'
  | 'WORKFLOW_CONNECTION_INPUT_TAKEN'
  | 'WORKFLOW_CYCLE';

/** One thing wrong with a workflow file. */
export interface WorkflowProblem {
  /** What kind of problem. */
  readonly code: WorkflowProblemCode;
  /** Where: a JSON path such as `nodes[2].controls.threshold` (`$` for the document). */
  readonly path: string;
  /** What is wrong and what to do. */
  readonly message: string;
}
