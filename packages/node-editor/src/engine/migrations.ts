import { WORKFLOW_VERSION, type WorkflowProblem } from './workflow.js';

/**
 * Upgrades a workflow document from version `from` to version `to` (`to > from`). The hook for future file
 * versions: when this package bumps {@link WORKFLOW_VERSION}, it ships a migration from the previous version, and a
 * host may pass its own (for example from a pre-release format) to `validateWorkflow`.
 */
export interface WorkflowMigration {
  /** Version of the documents it reads. */
  readonly from: number;
  /** Version of the documents it returns. */
  readonly to: number;
  /** Returns the upgraded document (must not mutate `document`). */
  migrate(document: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/** The migrations this package ships (none yet: version 1 is the first). */
export const BUILTIN_MIGRATIONS: readonly WorkflowMigration[] = Object.freeze([]);

/**
 * Applies migrations until the document reaches {@link WORKFLOW_VERSION}.
 *
 * @returns the migrated document, or the problem that stopped it
 */
export function migrateWorkflowDocument(
  document: Readonly<Record<string, unknown>>,
  migrations: readonly WorkflowMigration[],
): { document: Readonly<Record<string, unknown>> } | { problem: WorkflowProblem } {
  let current = document;
  for (let guard = 0; guard < 64; guard++) {
    const version = current.version as number;
    if (version === WORKFLOW_VERSION) return { document: current };
    if (version > WORKFLOW_VERSION) {
      return {
        problem: {
          code: 'WORKFLOW_VERSION_NEWER',
          path: '$.version',
          message: `This workflow is version ${version}, newer than this editor reads (${WORKFLOW_VERSION}); update @clipseg/node-editor.`,
        },
      };
    }
    const step = migrations.find((m) => m.from === version && m.to > version);
    if (step === undefined) {
      return { problem: { code: 'WORKFLOW_VERSION_UNSUPPORTED', path: '$.version', message: `No migration upgrades workflow version ${version} to ${WORKFLOW_VERSION}.` } };
    }
    try {
      current = { ...step.migrate(current), version: step.to };
    } catch (error) {
      return {
        problem: {
          code: 'WORKFLOW_MIGRATION_FAILED',
          path: '$',
          message: `The migration from version ${step.from} to ${step.to} failed: ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    }
  }
  return { problem: { code: 'WORKFLOW_MIGRATION_FAILED', path: '$', message: 'The migrations do not converge (a loop?).' } };
}
