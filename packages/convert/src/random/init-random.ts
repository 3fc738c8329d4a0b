import type { CLIPSegConfig} from '@clipseg/core';
import { clipsegPreset, safetensorsChunks, type CLIPSegPresetName, type Tensor } from '@clipseg/core';
import { CIDAS_PREPROCESSOR_CONFIG } from '../bundle/convert-checkpoint.js';
import { expectedParameters } from '../graphs/expected-parameters.js';
import { SeededRandom } from './seeded-random.js';
import { syntheticTokenizerFiles } from './synthetic-tokenizer.js';

/** Options of {@link initRandomCheckpoint}. */
export interface InitRandomOptions {
  /** Seed of the generator; same seed, same checkpoint. Default 0. */
  readonly seed?: number;
  /** Tokenizer files to ship instead of the synthetic byte-level ones (e.g. a real checkpoint's vocab.json + merges.txt). */
  readonly tokenizerFiles?: Readonly<Record<string, Uint8Array>>;
}

/** A random HF-format checkpoint, ready to write to a folder. */
export interface RandomCheckpoint {
  /** The config the weights follow. */
  readonly config: CLIPSegConfig;
  /** Small files (config, preprocessor config, tokenizer files) by name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** `model.safetensors` as a stream of chunks (header first); consume once. */
  readonly weights: Iterable<Uint8Array>;
  /** Total size of `model.safetensors` in bytes. */
  readonly weightBytes: number;
}

/** How one parameter is drawn. Mirrors the golden tiny model's recipe, which keeps random decoders from being degenerate. */
function distribution(name: string, shape: readonly number[]): { mean: number; std: number } {
  const isNorm = /(layer_?norm\d*|layrnorm)\.(weight|bias)$/.test(name);
  if (isNorm) return { mean: name.endsWith('.weight') ? 1 : 0, std: 0.02 };
  if (/^decoder\.film_(mul|add)\.weight$/.test(name)) return { mean: 0, std: 0.2 };
  if (/^decoder\.transposed_convolution\.\d+\.weight$/.test(name)) {
    // Kaiming-style std over the fan-in: ConvTranspose weights are [in, out, k, k], Conv2d [out, in, k, k].
    const [a = 1, b = 1, k1 = 1, k2 = 1] = shape;
    const fanIn = (name.endsWith('.0.weight') && shape[2] === 3 ? b : a) * k1 * k2;
    return { mean: 0, std: Math.sqrt(2 / fanIn) };
  }
  return { mean: 0, std: 0.02 };
}

/**
 * Makes a deterministic random CLIPSeg checkpoint in HF format: `config.json`,
 * `model.safetensors` (float32, HF parameter names), CIDAS's
 * `preprocessor_config.json`, and tokenizer files. For tests and full-size
 * benchmarks: the architecture and cost are real, the masks are meaningless.
 */
export function initRandomCheckpoint(presetOrConfig: CLIPSegPresetName | CLIPSegConfig, options: InitRandomOptions = {}): RandomCheckpoint {
  const config = typeof presetOrConfig === 'string' ? clipsegPreset(presetOrConfig) : presetOrConfig;
  const random = new SeededRandom(options.seed ?? 0);
  const tensors: Record<string, Tensor> = {};
  for (const [name, shape] of expectedParameters(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name === 'clip.logit_scale') data.fill(config.logit_scale_init_value);
    else {
      const { mean, std } = distribution(name, shape);
      random.fillNormal(data, mean, std);
    }
    tensors[name] = { type: 'float32', dims: [...shape], data };
  }
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const tokenizer = options.tokenizerFiles ?? syntheticTokenizerFiles(config.text_config.vocab_size, config.text_config.max_position_embeddings);
  const chunks = [...safetensorsChunks(tensors, { format: 'pt' })];
  return {
    config,
    files: {
      'config.json': json(config.toJSON()),
      'preprocessor_config.json': json(CIDAS_PREPROCESSOR_CONFIG),
      ...tokenizer,
    },
    weights: chunks,
    weightBytes: chunks.reduce((n, c) => n + c.byteLength, 0),
  };
}
