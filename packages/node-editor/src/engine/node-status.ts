/**
 * Where a node stands in the latest run:
 *
 * - `idle` — not run yet (or its result was cleared).
 * - `running` — computing; `progress` tells how far.
 * - `done` — computed; its preview is current.
 * - `error` — its compute failed; `error` says why.
 * - `blocked` — it could not run: a required input is unconnected or an upstream node failed (`message` says which).
 */
export type NodeState = 'idle' | 'running' | 'done' | 'error' | 'blocked';

/** A node's status, as reported to `onStatus` and shown on the node. */
export interface NodeStatus {
  /** The state. */
  readonly state: NodeState;
  /** 0..1 while running; 1 when done. */
  readonly progress: number;
  /** A short message (the running step, why it is blocked). */
  readonly message?: string;
  /** The failure of an `error` node: stable code and message. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** The status of a node that has not run. */
export const IDLE_STATUS: NodeStatus = Object.freeze({ state: 'idle', progress: 0 });
