import { DEFAULT_VISUAL_PROMPT_MODE, VISUAL_PROMPT_MODES, type VisualPromptMode } from '@clipseg/core';
import { toRgb, type Mask, type RasterImage } from '@clipseg/processor';
import type { BoxValue, ControlValues } from '../controls.js';
import { NodeEditorError } from '../errors.js';
import { inputValue, inputValues, type EmbeddingValue, type NodeDefinition } from '../node-definition.js';
import { asBinary, checkSizes } from './mask-kinds.js';

function controlError(nodeWhat: string, message: string): NodeEditorError {
  return new NodeEditorError('WORKFLOW_CONTROL_INVALID', `${nodeWhat}: ${message}`);
}

/**
 * The `image` node source that stands for the built-in example scene (`@clipseg/processor`'s `exampleScene`): the
 * playground's example workflow uses it, and `clipseg run` draws the same pixels, so a workflow saved in one runs in
 * the other unmodified.
 */
export const EXAMPLE_SCENE_SOURCE = 'example:scene';

/** `image`: loads an image from a file, a URL or a dropped file (a `data:` URL). */
export const imageNode: NodeDefinition = {
  type: 'image',
  preview: 'image',
  label: 'Image',
  category: 'input',
  description: 'An image from a file, a URL or a drop (headless: bound with --input).',
  inputs: [],
  outputs: [{ key: 'image', label: 'Image', socket: 'image' }],
  controls: [{ kind: 'image-source', key: 'source', label: 'Source', default: '' }],
  async compute(_inputs, controls, ctx) {
    const source = controls.source as string;
    const image = await ctx.loadImage(source);
    return { outputs: { image }, preview: { kind: 'image', image: toRgb(image), caption: `${image.width}×${image.height}` } };
  },
};

function text(controls: ControlValues, what: string): string {
  const value = controls.text as string;
  if (value.trim() === '') throw controlError(what, 'the text is empty; describe what to segment, for example "a cat".');
  return value;
}

/** `text-prompt`: a free-text prompt. */
export const textPromptNode: NodeDefinition = {
  type: 'text-prompt',
  label: 'Text prompt',
  category: 'input',
  description: 'A free-text description of what to segment.',
  inputs: [],
  outputs: [{ key: 'text', label: 'Text', socket: 'text' }],
  controls: [{ kind: 'text', key: 'text', label: 'Text', default: '' }],
  compute(_inputs, controls) {
    return { outputs: { text: text(controls, 'Text prompt') } };
  },
};

/** `negative-prompt`: a text whose mask is subtracted (connect it to a CLIPSeg node's Negative input). */
export const negativePromptNode: NodeDefinition = {
  type: 'negative-prompt',
  label: 'Negative prompt',
  category: 'input',
  description: "What not to segment: connect to a CLIPSeg node's Negative input (mask × (1 − negative)).",
  inputs: [],
  outputs: [{ key: 'negative', label: 'Negative', socket: 'embedding' }],
  controls: [{ kind: 'text', key: 'text', label: 'Text', default: '' }],
  compute(_inputs, controls) {
    return { outputs: { negative: { text: text(controls, 'Negative prompt') } } };
  },
};

/** The prompt-engineering modes an Image prompt node offers: the core's, plus `auto` (the core's default). */
export const IMAGE_PROMPT_MODES: readonly string[] = ['auto', ...VISUAL_PROMPT_MODES];

/** `image-prompt`: an example image (with an optional mask or box) as a prompt. */
export const imagePromptNode: NodeDefinition = {
  type: 'image-prompt',
  preview: 'text',
  label: 'Image prompt',
  category: 'input',
  description: 'An example image, optionally with a mask or box around the object and a prompt-engineering mode.',
  inputs: [
    { key: 'image', label: 'Example', socket: 'image', required: true },
    { key: 'mask', label: 'Mask', socket: 'mask' },
  ],
  outputs: [{ key: 'embedding', label: 'Prompt', socket: 'embedding' }],
  controls: [
    { kind: 'box', key: 'box', label: 'Box', default: null },
    { kind: 'select', key: 'mode', label: 'Mode', options: IMAGE_PROMPT_MODES, default: 'auto' },
  ],
  compute(inputs, controls) {
    const image = inputValue<RasterImage>(inputs, 'image')!;
    const mask = inputValue<Mask>(inputs, 'mask');
    const box = (controls.box as BoxValue | null) ?? undefined;
    const chosen = controls.mode as string;
    if (mask !== undefined) checkSizes(image, mask, 'Image prompt mask');
    const mode: VisualPromptMode = chosen === 'auto' ? (mask !== undefined || box !== undefined ? DEFAULT_VISUAL_PROMPT_MODE : 'none') : (chosen as VisualPromptMode);
    if (mode !== 'none' && mask === undefined && box === undefined) {
      throw controlError('Image prompt', `mode '${mode}' engineers the image around a mask or a box; connect a mask, draw a box, or choose 'none'.`);
    }
    const prompt: EmbeddingValue = { image, mode, ...(mask === undefined ? {} : { mask: asBinary(mask) }), ...(box === undefined ? {} : { box }) };
    return { outputs: { embedding: prompt }, preview: { kind: 'text', text: `${image.width}×${image.height}, ${mode}` } };
  },
};

/** `embedding-prompt`: a conditional embedding pasted or loaded as numbers, or resolved from another node's prompt. */
export const embeddingPromptNode: NodeDefinition = {
  type: 'embedding-prompt',
  preview: 'text',
  label: 'Embedding prompt',
  category: 'input',
  description: 'A conditional embedding: pasted or loaded numbers, or the embedding of the connected prompt.',
  inputs: [{ key: 'source', label: 'From', socket: 'embedding' }],
  outputs: [{ key: 'embedding', label: 'Embedding', socket: 'embedding' }],
  controls: [
    { kind: 'vector', key: 'values', label: 'Values', default: [] },
    { kind: 'bundle', key: 'bundle', label: 'Bundle', default: 'default' },
  ],
  async compute(inputs, controls, ctx) {
    const source = inputValue<EmbeddingValue>(inputs, 'source');
    if (source !== undefined) {
      const seg = await ctx.pipeline(controls.bundle as string);
      const embedded = await seg.embed([source], { signal: ctx.signal });
      const embedding = embedded.data.slice();
      return { outputs: { embedding: { embedding } }, preview: { kind: 'text', text: `${embedding.length} values (from input)` } };
    }
    const values = controls.values as readonly number[];
    if (values.length === 0) throw controlError('Embedding prompt', 'no embedding: paste or load projection_dim numbers, or connect a prompt to From.');
    return { outputs: { embedding: { embedding: Float32Array.from(values) } }, preview: { kind: 'text', text: `${values.length} values` } };
  },
};

/** Input keys of the Mix embeddings node, in order. */
export const MIX_SLOTS = ['a', 'b', 'c', 'd'] as const;

/** `mix-embeddings`: a weighted sum of up to four prompts' embeddings. */
export const mixEmbeddingsNode: NodeDefinition = {
  type: 'mix-embeddings',
  preview: 'text',
  label: 'Mix embeddings',
  category: 'input',
  description: 'A weighted sum of up to four prompts (normalised to weights summing to 1 unless turned off).',
  inputs: MIX_SLOTS.map((key) => ({ key, label: key.toUpperCase(), socket: 'embedding' as const })),
  outputs: [{ key: 'embedding', label: 'Mix', socket: 'embedding' }],
  controls: [
    ...MIX_SLOTS.map((key) => ({ kind: 'number' as const, key: `weight-${key}`, label: `Weight ${key.toUpperCase()}`, default: 1, step: 0.1 })),
    { kind: 'boolean', key: 'normalize', label: 'Normalise', default: true },
  ],
  compute(inputs, controls) {
    const parts = MIX_SLOTS.flatMap((key) => inputValues<EmbeddingValue>(inputs, key).map((prompt) => ({ prompt, weight: controls[`weight-${key}`] as number })));
    if (parts.length === 0) throw new NodeEditorError('WORKFLOW_INPUT_MISSING', 'Mix embeddings: connect at least one prompt.');
    const sum = parts.reduce((s, p) => s + p.weight, 0);
    if (parts.every((p) => p.weight === 0)) throw controlError('Mix embeddings', 'every connected weight is 0; give at least one a non-zero weight.');
    const scale = controls.normalize === true && sum !== 0 ? 1 / sum : 1;
    const mix = parts.map((p) => ({ prompt: p.prompt, weight: p.weight * scale }));
    return { outputs: { embedding: { mix } }, preview: { kind: 'text', text: mix.map((p) => p.weight.toFixed(2)).join(' + ') } };
  },
};
