/**
 * The recipe of the demo model: architecture, tokenizer corpus, data and schedule. One place, read by the training
 * script and the quality test.
 */
import { CIDAS_PREPROCESSOR_CONFIG } from '@clipseg/convert';
import { CLIPSegConfig } from '@clipseg/core';

/** Input side of the demo model (and of its synthetic scenes). */
export const DEMO_SIDE = 96;

/** Settings of `pnpm train:demo`. */
export interface DemoRecipe {
  readonly seed: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Peak learning rate of the decoder (it learns fastest at a higher rate than the CLIP towers). */
  readonly decoderLearningRate: number;
  readonly finalLearningRate: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  readonly negativeRate: number;
  readonly vocabSize: number;
  readonly corpusSize: number;
  readonly threads: number;
  /** Scene options: objects per scene and their scale. */
  readonly maxObjects: number;
  readonly objectScale: number;
  /** Prompts per scene in a batch (the vision tower runs once per scene). */
  readonly promptsPerScene: number;
  /** Architecture: the conditional embedding's width, the decoder's width, the text tower's depth and width. */
  readonly projectionDim: number;
  readonly reduceDim: number;
  readonly textLayers: number;
  readonly textHidden: number;
}

export const DEMO_RECIPE: DemoRecipe = {
  seed: 17,
  steps: 1500,
  batchSize: 16,
  learningRate: 1e-3,
  decoderLearningRate: 1e-3,
  finalLearningRate: 1e-4,
  warmupSteps: 100,
  weightDecay: 0.01,
  negativeRate: 0.2,
  vocabSize: 1024,
  corpusSize: 5000,
  threads: 2,
  maxObjects: 3,
  objectScale: 1.6,
  promptsPerScene: 1,
  projectionDim: 64,
  reduceDim: 48,
  textLayers: 2,
  textHidden: 64,
};

/** The demo architecture for a vocabulary of `vocabSize` (special tokens last, as the learned tokenizer numbers them). */
export function demoConfig(vocabSize: number, recipe: Pick<DemoRecipe, 'projectionDim' | 'reduceDim' | 'textLayers' | 'textHidden'> = DEMO_RECIPE): CLIPSegConfig {
  return new CLIPSegConfig({
    architectures: ['CLIPSegForImageSegmentation'],
    projection_dim: recipe.projectionDim,
    extract_layers: [1, 2, 3],
    reduce_dim: recipe.reduceDim,
    decoder_num_attention_heads: 4,
    decoder_intermediate_size: 2 * recipe.reduceDim,
    conditional_layer: 0,
    use_complex_transposed_convolution: false,
    text_config: {
      vocab_size: vocabSize,
      hidden_size: recipe.textHidden,
      intermediate_size: 2 * recipe.textHidden,
      num_hidden_layers: recipe.textLayers,
      num_attention_heads: 4,
      max_position_embeddings: 32,
      bos_token_id: vocabSize - 2,
      eos_token_id: vocabSize - 1,
      pad_token_id: vocabSize - 1,
    },
    vision_config: {
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      image_size: DEMO_SIDE,
      patch_size: 8,
    },
  });
}

/** The demo model's `preprocessor_config.json`: CIDAS's, at the demo side. */
export const DEMO_PREPROCESSOR_CONFIG = { ...CIDAS_PREPROCESSOR_CONFIG, size: { height: DEMO_SIDE, width: DEMO_SIDE } };

/** The scenes the demo model trains and is measured on (at its input side). */
export const DEMO_SCENE_OPTIONS = { width: DEMO_SIDE, objectScale: DEMO_RECIPE.objectScale, maxObjects: DEMO_RECIPE.maxObjects } as const;

/** Seed of the scenes the quality test measures on: a stream the training never draws from. */
export const DEMO_TEST_SEED = 900_001;
