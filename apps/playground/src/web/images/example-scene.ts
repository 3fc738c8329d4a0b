import type { RasterImage } from '@clipseg/processor';
import { decodeImage } from '@clipseg/runtime-web';

/** The Image node source that stands for the built-in example scene (kept short, so workflows stay shareable). */
export const EXAMPLE_SCENE_SOURCE = 'example:scene';

/** Size of the example scene. */
export const EXAMPLE_SCENE_SIZE = Object.freeze({ width: 480, height: 320 });

/**
 * Draws the example scene procedurally (no photograph is shipped): a sky, a sun and clouds, hills, a house with a
 * red roof and a blue door, a tree, and a red ball on the grass — the same subjects as the CLI's example, so the
 * prompts "a red ball" and "the house" have something to find. Deterministic for a given canvas implementation.
 */
export function drawExampleScene(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, width: number, height: number): void {
  const horizon = Math.round(height * 0.62);
  const sky = context.createLinearGradient(0, 0, 0, horizon);
  sky.addColorStop(0, '#6ea0eb');
  sky.addColorStop(1, '#c8e6f0');
  context.fillStyle = sky;
  context.fillRect(0, 0, width, horizon);

  const sun = { x: width * 0.82, y: height * 0.18, r: height * 0.09 };
  const glow = context.createRadialGradient(sun.x, sun.y, sun.r * 0.6, sun.x, sun.y, sun.r * 2.2);
  glow.addColorStop(0, 'rgba(255, 236, 140, 0.8)');
  glow.addColorStop(1, 'rgba(255, 236, 140, 0)');
  context.fillStyle = glow;
  context.fillRect(sun.x - sun.r * 2.2, sun.y - sun.r * 2.2, sun.r * 4.4, sun.r * 4.4);
  disc(context, sun.x, sun.y, sun.r, '#fadc3c');

  context.fillStyle = '#ffffff';
  for (const [cx, cy, s] of [[0.2, 0.12, 1], [0.5, 0.2, 0.8]] as const) {
    for (const [dx, dy, r] of [[0, 0, 18], [20, -8, 22], [42, 0, 17]] as const) disc(context, width * cx + dx * s, height * cy + dy * s, r * s, '#ffffff');
  }

  context.fillStyle = '#7fb77e';
  context.beginPath();
  context.moveTo(0, horizon);
  for (let x = 0; x <= width; x += 8) context.lineTo(x, horizon - 18 - 14 * Math.sin((x / width) * Math.PI * 2.3));
  context.lineTo(width, horizon);
  context.fill();

  const grass = context.createLinearGradient(0, horizon, 0, height);
  grass.addColorStop(0, '#4c9a44');
  grass.addColorStop(1, '#2f7a34');
  context.fillStyle = grass;
  context.fillRect(0, horizon, width, height - horizon);

  // the house
  const hx = Math.round(width * 0.12);
  const hw = Math.round(width * 0.3);
  const hy = Math.round(height * 0.38);
  context.fillStyle = '#d2b48c';
  context.fillRect(hx, hy, hw, horizon + 10 - hy);
  context.fillStyle = '#963228';
  context.beginPath();
  context.moveTo(hx - 12, hy);
  context.lineTo(hx + hw / 2, height * 0.2);
  context.lineTo(hx + hw + 12, hy);
  context.closePath();
  context.fill();
  context.fillStyle = '#284aa0';
  context.fillRect(hx + Math.round(hw * 0.4), horizon - 50, Math.round(hw * 0.2), 60);
  context.fillStyle = '#fff6c8';
  context.fillRect(hx + Math.round(hw * 0.1), hy + 18, 26, 22);
  context.fillRect(hx + Math.round(hw * 0.72), hy + 18, 26, 22);

  // a tree
  const tx = width * 0.5;
  context.fillStyle = '#6b4423';
  context.fillRect(tx - 6, horizon - 40, 12, 50);
  disc(context, tx, horizon - 58, 30, '#2e6b2a');
  disc(context, tx - 18, horizon - 44, 20, '#367a30');
  disc(context, tx + 18, horizon - 44, 20, '#367a30');

  // the red ball, with a highlight and a shadow
  const ball = { x: width * 0.68, y: horizon + height * 0.14, r: height * 0.08 };
  context.fillStyle = 'rgba(0, 0, 0, 0.25)';
  context.beginPath();
  context.ellipse(ball.x + 6, ball.y + ball.r * 0.9, ball.r * 0.9, ball.r * 0.25, 0, 0, Math.PI * 2);
  context.fill();
  const shade = context.createRadialGradient(ball.x - ball.r * 0.35, ball.y - ball.r * 0.35, ball.r * 0.1, ball.x, ball.y, ball.r);
  shade.addColorStop(0, '#ff8a80');
  shade.addColorStop(0.35, '#e0282d');
  shade.addColorStop(1, '#8e1015');
  disc(context, ball.x, ball.y, ball.r, shade);
}

function disc(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, x: number, y: number, r: number, fill: string | CanvasGradient): void {
  context.fillStyle = fill;
  context.beginPath();
  context.arc(x, y, r, 0, Math.PI * 2);
  context.fill();
}

/** Draws the example scene on a new canvas and decodes it to an RGB {@link RasterImage}. */
export async function exampleSceneImage(): Promise<RasterImage> {
  const { width, height } = EXAMPLE_SCENE_SIZE;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('This browser gives no 2D canvas, so the example scene cannot be drawn.');
  drawExampleScene(context, width, height);
  return decodeImage(canvas);
}
