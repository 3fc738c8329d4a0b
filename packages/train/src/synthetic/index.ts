/**
 * Procedural training data (issue 17): seeded scenes in the example scene's style with exact masks, and prompts from
 * a grammar with synonyms, positives and negatives.
 *
 * @module
 */
export { generateScene, resolveSceneOptions } from './generate-scene.js';
export type { ResolvedSceneOptions, SceneObject, SceneOptions, SyntheticScene } from './generate-scene.js';
export { SCENE_BACKGROUNDS } from './scene-raster.js';
export type { BackgroundLayout, SceneBackground } from './scene-raster.js';
export { mixSeed, sceneRandom } from './scene-random.js';
export type { SceneRandomSource } from './scene-random.js';
export { describePrompt, matchesDescription, matchingObjects, negativePrompt, positivePrompt, scenePrompt, scenePrompts } from './scene-prompts.js';
export type { PromptDescription, ScenePrompt, ScenePromptOptions } from './scene-prompts.js';
export {
  CENTRE_PHRASES,
  COLOUR_WORDS,
  COLUMN_PHRASES,
  CORNER_PHRASES,
  GENERIC_NOUNS,
  KIND_NOUNS,
  PROMPT_TEMPLATES,
  ROW_PHRASES,
  SCENE_COLOUR_NAMES,
  SCENE_COLOURS,
  SCENE_OBJECT_KINDS,
  SCENE_SIZES,
  SHAPE_KINDS,
  SIZE_WORDS,
  promptGrammarWords,
} from './scene-vocabulary.js';
export type { Rgb, SceneColourName, SceneColumn, SceneObjectKind, SceneRow, SceneSize } from './scene-vocabulary.js';
export type { Box } from './shape-parts.js';
export { syntheticDataset, syntheticItem, syntheticPromptCorpus } from './synthetic-dataset.js';
export type { SyntheticDatasetOptions, SyntheticItem } from './synthetic-dataset.js';
