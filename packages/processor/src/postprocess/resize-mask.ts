import { checkInteger } from '../errors.js';
import { checkMask, isBinaryMask } from '../mask/mask.js';
import type { Mask, SoftMask } from '../mask/mask.js';

const f = Math.fround;

interface AxisTaps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float32Array;
  readonly w1: Float32Array;
}

/**
 * Source indices and weights along one axis, as PyTorch 1.13's CPU bilinear kernel computes them for
 * `align_corners=False`: the scale is `float(in) / out` in float32, the source coordinate
 * `scale * (dst + 0.5) - 0.5` in float64, clamped at 0; `lambda1` is its fraction rounded to float32 and
 * `lambda0 = 1 - lambda1` in float32. An axis that keeps its size copies.
 */
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = f(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    if (inSize === outSize) {
      i0[o] = i1[o] = o;
      w0[o] = 1;
      w1[o] = 0;
      continue;
    }
    let src = scale * (o + 0.5) - 0.5;
    if (src < 0) src = 0;
    const index = Math.trunc(src);
    const lambda = f(Math.min(Math.max(src - index, 0), 1));
    i0[o] = index;
    i1[o] = index + (index < inSize - 1 ? 1 : 0);
    w1[o] = lambda;
    w0[o] = f(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/**
 * Resizes a mask or logit map with bilinear interpolation exactly as
 * `torch.nn.functional.interpolate(x, size=(height, width), mode='bilinear', align_corners=False)` (no antialias)
 * does on CPU in float32, which is how HF's CLIPSeg examples bring the 352 × 352 logits back to the image size:
 * source coordinate `(dst + 0.5) * in / out - 0.5`, clamped at 0, the two nearest source pixels per axis (the last
 * one repeated at the far edge). The arithmetic follows the kernel PyTorch 1.13 runs for a `[N, 1, H, W]` float32
 * tensor (HF's `logits.unsqueeze(1)`): per-axis weights in float32, corner weights `h * w` in float32, the
 * four-term sum in float64, rounded once to float32. Bit-exact against PyTorch 1.13
 * (`test/fixtures/torch-bilinear.safetensors`); other versions or memory layouts of PyTorch may differ in the last
 * float32 bit. Downscaling does not antialias, as in PyTorch. A binary mask is resized as 0.0/1.0 values; threshold the result to get a binary mask back.
 *
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a bad size, and as {@link checkMask}
 */
export function resizeMask(mask: Mask, size: { readonly width: number; readonly height: number }): SoftMask {
  checkMask(mask);
  const width = checkInteger(size?.width, 'width', 1);
  const height = checkInteger(size?.height, 'height', 1);
  const src = isBinaryMask(mask) ? Float32Array.from(mask.data) : mask.data;
  const inW = mask.width;
  const xs = axisTaps(inW, width);
  const ys = axisTaps(mask.height, height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const r0 = ys.i0[y]! * inW;
    const r1 = ys.i1[y]! * inW;
    const h0 = ys.w0[y]!;
    const h1 = ys.w1[y]!;
    for (let x = 0, o = y * width; x < width; x++, o++) {
      const c0 = xs.i0[x]!;
      const c1 = xs.i1[x]!;
      const w0 = xs.w0[x]!;
      const w1 = xs.w1[x]!;
      out[o] = src[r0 + c0]! * f(h0 * w0) + src[r0 + c1]! * f(h0 * w1) + src[r1 + c0]! * f(h1 * w0) + src[r1 + c1]! * f(h1 * w1);
    }
  }
  return { width, height, data: out };
}
