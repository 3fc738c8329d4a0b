import type { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import type { ImageAdapter, VisualPromptRegion } from '../pipeline/image-adapter.js';

/** A stand-in image for pipeline tests: a size and one grey level. */
export interface FakeImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Every pixel's (normalised) value. */
  readonly value: number;
}

/** A {@link FakeImageAdapter}'s log of calls. */
export interface FakeImageAdapterLog {
  /** Images per `preprocess` call. */
  readonly preprocess: FakeImage[][];
  /** Arguments of every `engineer` call. */
  readonly engineer: { image: FakeImage; region: VisualPromptRegion<FakeImage> }[];
}

/** An {@link ImageAdapter} over {@link FakeImage}s, with a log of its calls. */
export interface FakeImageAdapter extends ImageAdapter<FakeImage> {
  /** What was asked of it. */
  readonly log: FakeImageAdapterLog;
}

/** Values {@link fakeImageAdapter}'s `engineer` adds per mode, so tests can tell modes apart. */
export const FAKE_MODE_OFFSET: Readonly<Record<string, number>> = {
  crop: 1,
  darken: 2,
  blur: 3,
  'crop-blur': 4,
  'crop-darken': 5,
  'crop-blur-darken': 6,
};

/**
 * An adapter whose `preprocess` fills `[n, 3, size, size]` with each image's value (+0.1 per channel), and whose
 * `engineer` (unless `withEngineer` is false) returns an image whose value adds {@link FAKE_MODE_OFFSET}[mode] and
 * the mask's value (or a hundredth of the box width).
 */
export function fakeImageAdapter(withEngineer = true): FakeImageAdapter {
  const log: FakeImageAdapterLog = { preprocess: [], engineer: [] };
  const adapter: FakeImageAdapter = {
    log,
    preprocess(images: readonly FakeImage[], config: ViTImageProcessorConfig): Tensor<'float32'> {
      log.preprocess.push([...images]);
      const { height: H, width: W } = config.size;
      const data = new Float32Array(images.length * 3 * H * W);
      images.forEach((image, n) => {
        for (let c = 0; c < 3; c++) data.fill(image.value + 0.1 * c, (n * 3 + c) * H * W, (n * 3 + c + 1) * H * W);
      });
      return createTensor('float32', [images.length, 3, H, W], data);
    },
    size: (image) => ({ width: image.width, height: image.height }),
  };
  if (!withEngineer) return adapter;
  return {
    ...adapter,
    engineer(image, region) {
      log.engineer.push({ image, region });
      const extra = region.mask?.value ?? (region.box === undefined ? 0 : region.box.width / 100);
      return { width: image.width, height: image.height, value: image.value + FAKE_MODE_OFFSET[region.mode]! + extra };
    },
  };
}
