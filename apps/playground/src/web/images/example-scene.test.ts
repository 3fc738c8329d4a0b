import { exampleScene } from '@clipseg/processor';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCENE_SIZE, exampleSceneImage } from './example-scene.js';
import { createImageLoader } from './image-loader.js';

describe('the example scene', () => {
  it("is the CLI's: the same pixels as processor's exampleScene(), which `clipseg segment --example` segments", async () => {
    const image = await exampleSceneImage();
    const cli = exampleScene();
    expect({ width: image.width, height: image.height, channels: image.channels }).toEqual({ ...EXAMPLE_SCENE_SIZE, channels: 3 });
    expect({ width: cli.width, height: cli.height }).toEqual(EXAMPLE_SCENE_SIZE);
    expect(image.data.length).toBe(cli.data.length);
    expect(image.data.every((value, i) => value === cli.data[i])).toBe(true);
  });

  it('is what the image loader gives for example:scene, once', async () => {
    const load = createImageLoader();
    const image = await load(' example:scene ');
    expect(image).toMatchObject(EXAMPLE_SCENE_SIZE);
    expect(await load('example:scene')).toBe(image);
  });
});
