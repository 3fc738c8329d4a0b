import { exampleScene, type RasterImage } from '@clipseg/processor';

/** The Image node source that stands for the built-in example scene (owned by the node editor's engine). */
export { EXAMPLE_SCENE_SOURCE } from '@clipseg/node-editor/engine';

/** Size of the example scene. */
export const EXAMPLE_SCENE_SIZE = Object.freeze({ width: 480, height: 320 });

/**
 * The example scene: `@clipseg/processor`'s {@link exampleScene} at {@link EXAMPLE_SCENE_SIZE}, the same pixels as
 * `clipseg segment --example` shows (a sky, a sun, grass, a house with a red roof and a blue door, a red ball), so the
 * prompts "a red ball" and "the house" have something to find. Drawn in memory, no canvas.
 */
export function exampleSceneImage(): Promise<RasterImage> {
  return Promise.resolve(exampleScene(EXAMPLE_SCENE_SIZE.width, EXAMPLE_SCENE_SIZE.height));
}
