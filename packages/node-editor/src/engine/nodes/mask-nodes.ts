import { blurMask, combineMasks, dilateMask, erodeMask, invertMask, resizeMask, thresholdMask, type CombineOperation, type Mask, type RasterImage, type StructuringElement } from '@clipseg/processor';
import { inputValue, type NodeDefinition, type NodeResult } from '../node-definition.js';
import { asBinary, asSoft, checkSizes } from './mask-kinds.js';

const maskIn = { key: 'mask', label: 'Mask', socket: 'mask', required: true } as const;
const maskOut = { key: 'mask', label: 'Mask', socket: 'mask' } as const;
const only = (mask: Mask): NodeResult => ({ outputs: { mask } });

/** `threshold`: soft → binary at a probability. */
export const thresholdNode: NodeDefinition = {
  type: 'threshold',
  label: 'Threshold',
  category: 'mask',
  description: 'Pixels at or above the threshold become 1, the rest 0.',
  inputs: [maskIn],
  outputs: [maskOut],
  controls: [{ kind: 'number', key: 'threshold', label: 'Threshold', default: 0.5, min: 0, max: 1, step: 0.05 }],
  compute(inputs, controls) {
    return only(thresholdMask(asSoft(inputValue<Mask>(inputs, 'mask')!), controls.threshold as number));
  },
};

/** `blur`: Gaussian blur (the result is soft). */
export const blurNode: NodeDefinition = {
  type: 'blur',
  label: 'Blur',
  category: 'mask',
  description: 'Gaussian blur of the mask (the result is soft).',
  inputs: [maskIn],
  outputs: [maskOut],
  controls: [{ kind: 'number', key: 'sigma', label: 'Sigma (px)', default: 2, min: 0.1, max: 100, step: 0.5 }],
  compute(inputs, controls) {
    return only(blurMask(inputValue<Mask>(inputs, 'mask')!, controls.sigma as number));
  },
};

/** `morphology`: dilate or erode a binary mask (soft masks are thresholded at 0.5 first). */
export const morphologyNode: NodeDefinition = {
  type: 'morphology',
  label: 'Dilate / Erode',
  category: 'mask',
  description: 'Grows (dilate) or shrinks (erode) the mask; soft masks are thresholded at 0.5 first.',
  inputs: [maskIn],
  outputs: [maskOut],
  controls: [
    { kind: 'select', key: 'operation', label: 'Operation', options: ['dilate', 'erode'], default: 'dilate' },
    { kind: 'number', key: 'radius', label: 'Radius (px)', default: 2, min: 0, max: 256, step: 1, integer: true },
    { kind: 'select', key: 'element', label: 'Shape', options: ['square', 'disc'], default: 'disc' },
  ],
  compute(inputs, controls) {
    const mask = asBinary(inputValue<Mask>(inputs, 'mask')!);
    const options = { element: controls.element as StructuringElement };
    const radius = controls.radius as number;
    return only(controls.operation === 'erode' ? erodeMask(mask, radius, options) : dilateMask(mask, radius, options));
  },
};

/** `combine`: union, intersection or difference of two masks of the same size. */
export const combineNode: NodeDefinition = {
  type: 'combine',
  label: 'Combine',
  category: 'mask',
  description: 'Union (max), intersection (min) or difference (a × (1 − b)) of two masks of the same size.',
  inputs: [
    { key: 'a', label: 'A', socket: 'mask', required: true },
    { key: 'b', label: 'B', socket: 'mask', required: true },
  ],
  outputs: [maskOut],
  controls: [{ kind: 'select', key: 'operation', label: 'Operation', options: ['union', 'intersection', 'difference'], default: 'union' }],
  compute(inputs, controls) {
    const a = inputValue<Mask>(inputs, 'a')!;
    const b = inputValue<Mask>(inputs, 'b')!;
    checkSizes(a, b, 'Combine');
    const operation = controls.operation as CombineOperation;
    const bothBinary = a.data instanceof Uint8Array && b.data instanceof Uint8Array;
    return only(bothBinary ? combineMasks(a, b, operation) : combineMasks(asSoft(a), asSoft(b), operation));
  },
};

/** `invert`: 1 − mask. */
export const invertNode: NodeDefinition = {
  type: 'invert',
  label: 'Invert',
  category: 'mask',
  description: 'Swaps foreground and background (1 − mask).',
  inputs: [maskIn],
  outputs: [maskOut],
  controls: [],
  compute(inputs) {
    return only(invertMask(inputValue<Mask>(inputs, 'mask')!));
  },
};

/** `resize-to-image`: bilinear resize of a mask to an image's size (binary masks stay binary, at 0.5). */
export const resizeToImageNode: NodeDefinition = {
  type: 'resize-to-image',
  label: 'Resize to image',
  category: 'mask',
  description: "Resizes the mask to the image's size (bilinear; binary masks are re-thresholded at 0.5).",
  inputs: [maskIn, { key: 'image', label: 'Image', socket: 'image', required: true }],
  outputs: [maskOut],
  controls: [],
  compute(inputs) {
    const mask = inputValue<Mask>(inputs, 'mask')!;
    const image = inputValue<RasterImage>(inputs, 'image')!;
    if (mask.width === image.width && mask.height === image.height) return only(mask);
    const resized = resizeMask(mask, image);
    return only(mask.data instanceof Uint8Array ? thresholdMask(resized, 0.5) : resized);
  },
};
