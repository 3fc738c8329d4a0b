import { maskToGray, maskToHeatmap, maskToRgba, maskToRle, overlayHeatmap, overlayMask, type ColormapName, type Mask, type RasterImage } from '@clipseg/processor';
import { NodeEditorError } from '../errors.js';
import { inputValue, type ExportArtifact, type NodeDefinition } from '../node-definition.js';
import { asBinary, checkSizes, coverage } from './mask-kinds.js';

const caption = (mask: Mask) => `${mask.width}×${mask.height}, ${(coverage(mask) * 100).toFixed(1)}%`;

/** `mask-preview`: draws the mask (white = 1) inside the node. */
export const maskPreviewNode: NodeDefinition = {
  type: 'mask-preview',
  preview: 'image',
  label: 'Mask preview',
  category: 'output',
  description: 'Shows the mask in grey levels (white = 1).',
  inputs: [{ key: 'mask', label: 'Mask', socket: 'mask', required: true }],
  outputs: [],
  controls: [],
  compute(inputs) {
    const mask = inputValue<Mask>(inputs, 'mask')!;
    return { outputs: {}, preview: { kind: 'image', image: maskToGray(mask), caption: caption(mask) } };
  },
};

/** `heatmap-preview`: a colormap heatmap or a coloured overlay, over the image when one is connected. */
export const heatmapPreviewNode: NodeDefinition = {
  type: 'heatmap-preview',
  preview: 'image',
  label: 'Heatmap / overlay',
  category: 'output',
  description: 'A colormap heatmap or a red overlay of the mask, over the image when one is connected.',
  inputs: [
    { key: 'mask', label: 'Mask', socket: 'mask', required: true },
    { key: 'image', label: 'Image', socket: 'image' },
  ],
  outputs: [],
  controls: [
    { kind: 'select', key: 'mode', label: 'Mode', options: ['heatmap', 'overlay'], default: 'heatmap' },
    { kind: 'select', key: 'colormap', label: 'Colormap', options: ['viridis', 'jet', 'gray'], default: 'viridis' },
    { kind: 'number', key: 'alpha', label: 'Opacity', default: 0.5, min: 0, max: 1, step: 0.05 },
  ],
  compute(inputs, controls) {
    const mask = inputValue<Mask>(inputs, 'mask')!;
    const image = inputValue<RasterImage>(inputs, 'image');
    const alpha = controls.alpha as number;
    const colormap = controls.colormap as ColormapName;
    if (image !== undefined) checkSizes(image, mask, 'Heatmap / overlay');
    const drawn =
      controls.mode === 'overlay'
        ? image === undefined
          ? maskToRgba(mask, { foreground: [255, 0, 0, Math.round(alpha * 255)] })
          : overlayMask(image, mask, { alpha })
        : image === undefined
          ? maskToHeatmap(mask, { colormap })
          : overlayHeatmap(image, mask, { alpha, colormap });
    return { outputs: {}, preview: { kind: 'image', image: drawn, caption: caption(mask) } };
  },
};

/** Characters allowed in an Export node's file name. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `export`: a PNG of the binary mask and/or a JSON with its COCO RLE and coverage. */
export const exportNode: NodeDefinition = {
  type: 'export',
  preview: 'image',
  label: 'Export',
  category: 'output',
  description: 'Writes the mask as a PNG (white = object) and/or JSON (COCO RLE, coverage).',
  inputs: [{ key: 'mask', label: 'Mask', socket: 'mask', required: true }],
  outputs: [],
  controls: [
    { kind: 'text', key: 'name', label: 'File name', default: 'mask' },
    { kind: 'select', key: 'format', label: 'Format', options: ['png', 'json', 'png+json'], default: 'png' },
    { kind: 'number', key: 'threshold', label: 'Threshold', default: 0.5, min: 0, max: 1, step: 0.05 },
  ],
  compute(inputs, controls) {
    const name = controls.name as string;
    if (!SAFE_NAME.test(name)) {
      throw new NodeEditorError('WORKFLOW_CONTROL_INVALID', `Export: the file name ${JSON.stringify(name)} must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
    }
    const binary = asBinary(inputValue<Mask>(inputs, 'mask')!, controls.threshold as number);
    const format = controls.format as string;
    const artifacts: ExportArtifact[] = [];
    const image = maskToGray(binary);
    if (format.includes('png')) artifacts.push({ kind: 'png', fileName: `${name}.png`, image });
    if (format.includes('json')) {
      artifacts.push({ kind: 'json', fileName: `${name}.json`, data: { width: binary.width, height: binary.height, coverage: coverage(binary), rle: maskToRle(binary) } });
    }
    return { outputs: {}, artifacts, preview: { kind: 'image', image, caption: artifacts.map((a) => a.fileName).join(', ') } };
  },
};
