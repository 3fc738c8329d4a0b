import type { Workflow } from '@clipseg/node-editor/engine';
import { PlaygroundError } from '../errors/playground-error.js';
import { stripDroppedImages } from './strip-dropped-images.js';

/** The local-storage key of the autosaved workflow. */
export const AUTOSAVE_KEY = 'clipseg-playground:workflow';

/** What {@link saveAutosave} managed to keep. */
export interface AutosaveOutcome {
  /** True when dropped images had to be left out to fit the storage (they come back as the example scene). */
  readonly withoutImages: boolean;
}

/**
 * Saves `workflow` to `storage` (local storage) so a reload restores it. When the browser refuses (dropped images
 * are large `data:` URLs and storage holds a few MB), it saves the graph without them.
 *
 * @throws {@link PlaygroundError} `PLAYGROUND_STORAGE_FAILED` when even the graph alone cannot be stored
 */
export function saveAutosave(storage: Storage, workflow: Workflow): AutosaveOutcome {
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(workflow));
    return { withoutImages: false };
  } catch {
    // too large, most likely: try without the dropped images
  }
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(stripDroppedImages(workflow).workflow));
    return { withoutImages: true };
  } catch (error) {
    throw new PlaygroundError('PLAYGROUND_STORAGE_FAILED', 'The browser refused to autosave the workflow (storage full or disabled). Save it as a file to keep it.', { cause: error });
  }
}

/** The autosaved workflow (untrusted JSON: validate it), or `undefined` when none was saved or it is unreadable. */
export function readAutosave(storage: Storage): unknown {
  try {
    const text = storage.getItem(AUTOSAVE_KEY);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Forgets the autosaved workflow. */
export function clearAutosave(storage: Storage): void {
  try {
    storage.removeItem(AUTOSAVE_KEY);
  } catch {
    // storage disabled: nothing to clear
  }
}
