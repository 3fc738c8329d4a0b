/**
 * `@clipseg/demo-model`: a tiny CLIPSeg (about 0.4 M parameters, 96 × 96 input) trained from scratch by
 * `@clipseg/train` on generated scenes: balls, houses, trees, suns, clouds, cars, circles, squares, triangles and
 * stars in named colours, sizes and places, with prompts such as "a red ball" or "the small blue square on the
 * left". The toolkit's built-in model: it runs offline and finds those objects, nothing else. Its files are an HF
 * checkpoint folder (`config.json`, `model.safetensors`, the tokenizer learned on the prompts, the preprocessor).
 *
 * @packageDocumentation
 */

/** The files of the demo model's HF checkpoint folder. */
export const DEMO_MODEL_FILES = ['config.json', 'model.safetensors', 'preprocessor_config.json', 'vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

/** One of {@link DEMO_MODEL_FILES}. */
export type DemoModelFile = (typeof DEMO_MODEL_FILES)[number];

/** How the demo model is labelled wherever it is offered. */
export const DEMO_MODEL_LABEL = 'demo model: tiny, trained on synthetic scenes';

/**
 * Where a file of the demo model is: a `file:` URL in Node (read it with `fs`), the asset's URL under a bundler
 * such as Vite (fetch it).
 */
export function demoModelFileUrl(name: DemoModelFile): URL {
  return new URL(`../model/${name}`, import.meta.url);
}
