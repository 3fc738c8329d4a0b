import { serializeWorkflow, type Workflow } from '@clipseg/node-editor/engine';
import { PlaygroundError } from '../errors/playground-error.js';

/** A file name for a workflow: its name in kebab case, `.clipseg.json`. */
export function workflowFileName(workflow: Workflow): string {
  const stem = (workflow.name ?? 'workflow')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${stem || 'workflow'}.clipseg.json`;
}

/** Offers `workflow` as a download (the browser's save dialog or downloads folder). */
export function downloadWorkflow(workflow: Workflow, document: Document): string {
  const name = workflowFileName(workflow);
  const url = URL.createObjectURL(new Blob([serializeWorkflow(workflow)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/**
 * Reads a workflow file the user picked or dropped, as untrusted JSON (validate it: the editor's `loadWorkflow` does).
 *
 * @throws {@link PlaygroundError} `PLAYGROUND_WORKFLOW_UNREADABLE` when the file is not JSON
 */
export async function readWorkflowFile(file: Blob & { name?: string }): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PlaygroundError('PLAYGROUND_WORKFLOW_UNREADABLE', `${file.name ?? 'The file'} is not a workflow: it is not JSON. Pick a file saved by "Save workflow" (*.clipseg.json).`, {
      cause: error,
    });
  }
}
