import { describe, expect, it } from 'vitest';
import { measure } from '../bench/bundle-size.js';

// A node-side guard: a vite production build of bench/size-app (load from a URL, decode, segment, overlay).
describe('production bundle size', () => {
  it('runtime-web + core + processor stay under 60 kB gzip, with onnxruntime-web in its own chunk', async () => {
    const sizes = await measure(false);
    expect(sizes.appGzip).toBeLessThan(60 * 1024);
    expect(sizes.ortMinified).toBeGreaterThan(0);
    expect(sizes.wasmAssets.some((f) => /ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f))).toBe(true);
  });
});
