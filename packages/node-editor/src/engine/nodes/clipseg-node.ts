import { applyNegativeMasks, logitsToMasks, maskToGray, type RasterImage } from '@clipseg/processor';
import { inputValue, inputValues, type EmbeddingValue, type NodeDefinition } from '../node-definition.js';
import { coverage } from './mask-kinds.js';

/**
 * `clipseg`: segments an image from one prompt, minus any negatives. Output: the probability mask (a `SoftMask` at
 * the image's resolution, HF's resize-logits-then-sigmoid), `mask × (1 − negative)` per negative. Every CLIPSeg
 * node of a run that reads the same image (and bundle) shares one image encode.
 */
export const clipsegNode: NodeDefinition = {
  type: 'clipseg',
  preview: 'image',
  label: 'CLIPSeg',
  category: 'model',
  description: 'Segments the image from the prompt (negatives subtracted); each image is encoded once per run.',
  inputs: [
    { key: 'image', label: 'Image', socket: 'image', required: true },
    { key: 'prompt', label: 'Prompt', socket: 'embedding', required: true },
    { key: 'negative', label: 'Negative', socket: 'embedding', multiple: true },
  ],
  outputs: [{ key: 'mask', label: 'Mask', socket: 'mask' }],
  controls: [{ kind: 'bundle', key: 'bundle', label: 'Bundle', default: 'default' }],
  async compute(inputs, controls, ctx) {
    const image = inputValue<RasterImage>(inputs, 'image')!;
    const prompt = inputValue<EmbeddingValue>(inputs, 'prompt')!;
    const negatives = inputValues<EmbeddingValue>(inputs, 'negative');
    ctx.progress(0.05, 'loading model');
    const seg = await ctx.pipeline(controls.bundle as string);
    ctx.progress(0.3, 'encoding image');
    const handle = await ctx.encode(seg, image);
    ctx.progress(0.6, 'segmenting');
    const result = await seg.segment(handle, [prompt, ...negatives], { signal: ctx.signal });
    const [positive, ...rest] = logitsToMasks(result.logits, { size: result.imageSize });
    const mask = rest.length === 0 ? positive! : applyNegativeMasks(positive!, rest);
    ctx.progress(1);
    return { outputs: { mask }, preview: { kind: 'image', image: maskToGray(mask), caption: `${(coverage(mask) * 100).toFixed(1)}% ≥ 0.5` } };
  },
};
