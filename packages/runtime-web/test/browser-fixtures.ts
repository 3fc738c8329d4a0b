// Helpers of the browser tests: URLs of the fixture server (test/fixture-server.ts), golden tensors, comparisons.
import { bytesSource, openSafetensors, type SafetensorsReader, type Tensor } from '@clipseg/core';
import type { RasterImage } from '@clipseg/processor';
import { inject } from 'vitest';

/** The fixture server's origin. */
export const origin = inject('fixtureOrigin');

/** A URL on the fixture server. */
export const fixtureUrl = (path: string) => `${origin}/${path.replace(/^\//, '')}`;
/** Where the tests serve onnxruntime-web's files from (`wasmPaths`), as an app would. */
export const ortUrl = fixtureUrl('ort/');

/** Downloads a fixture. */
export async function fetchFixture(path: string): Promise<Uint8Array> {
  const response = await fetch(fixtureUrl(path));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

let golden: Promise<SafetensorsReader> | undefined;
/** The golden tensors of the tiny refined model. */
export function goldenReader(): Promise<SafetensorsReader> {
  golden ??= fetchFixture('shared/golden/clipseg-tiny-refined/golden.safetensors').then((bytes) => openSafetensors(bytesSource(bytes)));
  return golden;
}

/** One golden float32 tensor's data. */
export async function goldenFloats(name: string): Promise<Float32Array> {
  return ((await (await goldenReader()).read(name)) as Tensor<'float32'>).data;
}

/** The pixels Pillow 9.4 / libjpeg-turbo decoded from a golden JPEG (`decoded_rgb`). */
export async function pillowDecoded(image: string): Promise<RasterImage> {
  const reader = await openSafetensors(bytesSource(await fetchFixture(`shared/golden/processor/${image.replace(/\.\w+$/, '')}.safetensors`)));
  const t = (await reader.read('decoded_rgb')) as Tensor<'uint8'>;
  return { height: t.dims[0]!, width: t.dims[1]!, channels: 3, data: t.data };
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
