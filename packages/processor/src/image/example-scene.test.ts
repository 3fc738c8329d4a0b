import { describe, expect, it } from 'vitest';
import { exampleScene } from './example-scene.js';

const pixel = (image: ReturnType<typeof exampleScene>, x: number, y: number) => {
  const i = (y * image.width + x) * 3;
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
};

describe('exampleScene', () => {
  it('is a 480×320 RGB image by default, the same pixels on every call', () => {
    const scene = exampleScene();
    expect(scene).toMatchObject({ width: 480, height: 320, channels: 3 });
    expect(scene.data).toHaveLength(480 * 320 * 3);
    const again = exampleScene().data;
    expect(again.every((value, i) => value === scene.data[i])).toBe(true);
  });

  it('draws the sky, the sun, the grass, the house and the red ball where the prompts expect them', () => {
    const scene = exampleScene();
    expect(pixel(scene, 0, 0)).toEqual([110, 160, 235]); // top of the sky gradient
    expect(pixel(scene, 394, 58)).toEqual([250, 220, 60]); // the sun, top right
    expect(pixel(scene, 0, 319)).toEqual([60, 150, 60]); // grass, a dark stripe
    expect(pixel(scene, 8, 319)).toEqual([68, 158, 60]); // grass, a light stripe
    expect(pixel(scene, 70, 140)).toEqual([210, 180, 140]); // the house's wall
    expect(pixel(scene, 130, 180)).toEqual([40, 70, 160]); // its blue door
    expect(pixel(scene, 130, 100)).toEqual([150, 50, 40]); // its red roof
    expect(pixel(scene, 298, 243)).toEqual([200, 30, 35]); // the red ball
  });

  it('scales to other sizes', () => {
    const small = exampleScene(200, 150);
    expect(small).toMatchObject({ width: 200, height: 150, channels: 3 });
    expect(pixel(small, 124, 114)).toEqual([200, 30, 35]); // the ball at 0.62 × width, horizon + 0.14 × height
  });
});
