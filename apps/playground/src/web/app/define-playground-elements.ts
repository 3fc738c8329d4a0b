import { defineElements } from '@clipseg/node-editor';
import { IMAGE_PANEL_TAG, ImagePanelElement } from './image-panel.js';
import { MODEL_PANEL_TAG, ModelPanelElement } from './model-panel.js';
import { PLAYGROUND_APP_TAG, PlaygroundAppElement } from './playground-app.js';
import { PROMPTS_PANEL_TAG, PromptsPanelElement } from './prompts-panel.js';
import { STATUS_BAR_TAG, StatusBarElement } from './status-bar.js';
import { WORKFLOW_PANEL_TAG, WorkflowPanelElement } from './workflow-panel.js';

/**
 * Defines the playground's elements (`<clipseg-playground>` and its panels) and the node editor's. Nothing is
 * defined at import time; calling it again is harmless.
 */
export async function definePlaygroundElements(registry: CustomElementRegistry = customElements): Promise<void> {
  await defineElements(registry);
  const elements: readonly [string, CustomElementConstructor][] = [
    [STATUS_BAR_TAG, StatusBarElement],
    [MODEL_PANEL_TAG, ModelPanelElement],
    [IMAGE_PANEL_TAG, ImagePanelElement],
    [PROMPTS_PANEL_TAG, PromptsPanelElement],
    [WORKFLOW_PANEL_TAG, WorkflowPanelElement],
    [PLAYGROUND_APP_TAG, PlaygroundAppElement],
  ];
  for (const [tag, element] of elements) if (registry.get(tag) === undefined) registry.define(tag, element);
}
