/**
 * The text tower over a bundle: the optional `text_model` graph (every HF output) and `get_text_features` through
 * the default `text_encoder` graph when it computes the same thing.
 *
 * @module
 */
import type { AbortSignalLike } from '../backend/backend.js';
import { hiddenStateName, TEXT_INPUT, TEXT_OUTPUT } from '../bundle/graph-names.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import { float32Result, type HFBundle } from './hf-bundle.js';
import { maskKeepsPooledPrefix, type CheckedText } from './hf-inputs.js';
import type { BaseModelOutputWithPooling } from './hf-types.js';

/** The `text_model` graph's outputs: HF's `BaseModelOutputWithPooling` plus `get_text_features`. */
export interface TextTowerOutput extends BaseModelOutputWithPooling {
  /** `text_projection(pooler_output)`, `[batch, projection_dim]`, not normalised. */
  readonly text_embeds: Tensor<'float32'>;
}

/**
 * Runs the `text_model` graph (HF `CLIPSegTextTransformer` with the attention mask; all ones when none is given).
 *
 * @param what - the caller, named in `HF_GRAPH_MISSING`
 * @throws {@link HFModelError} `HF_GRAPH_MISSING` on a bundle without `text_model`, `HF_OUTPUT_INVALID`, `HF_ABORTED`, `HF_DISPOSED`
 */
export async function runTextModel(
  bundle: HFBundle,
  text: CheckedText,
  options: { readonly outputHiddenStates?: boolean; readonly signal?: AbortSignalLike },
  what: string,
): Promise<TextTowerOutput> {
  bundle.requireGraph('text_model', what);
  const { batch, sequence } = text;
  const config = bundle.config;
  const H = config.text_config.hidden_size;
  const mask = text.mask ?? createTensor('int64', [batch, sequence], new BigInt64Array(batch * sequence).fill(1n));
  const states = options.outputHiddenStates === true ? Array.from({ length: config.text_config.num_hidden_layers + 1 }, (_, i) => hiddenStateName(i)) : [];
  const outputs = await bundle.run('text_model', { input_ids: text.ids, attention_mask: mask }, ['last_hidden_state', 'pooler_output', 'text_embeds', ...states], options.signal);
  const out = (name: string, dims: (number | undefined)[]) => float32Result(outputs, 'text_model', name, dims);
  return {
    last_hidden_state: out('last_hidden_state', [batch, sequence, H]),
    pooler_output: out('pooler_output', [batch, H]),
    text_embeds: out('text_embeds', [batch, config.projection_dim]),
    ...(states.length === 0 ? {} : { hidden_states: states.map((name) => out(name, [batch, sequence, H])) }),
  };
}

/**
 * HF `get_text_features`: `[batch, projection_dim]`, not normalised. Runs the default `text_encoder` graph when
 * the attention mask keeps every token up to each row's end-of-text token (always true for right-padded
 * tokenizer output: the pooled row never sees padding), else the `text_model` graph, which applies the mask.
 *
 * @throws {@link HFModelError} `HF_GRAPH_MISSING` for a mask that hides tokens before end-of-text on a bundle
 *   without `text_model`; `HF_OUTPUT_INVALID`, `HF_ABORTED`, `HF_DISPOSED`
 */
export async function textFeatures(bundle: HFBundle, text: CheckedText, signal: AbortSignalLike | undefined): Promise<Tensor<'float32'>> {
  const config = bundle.config;
  if (!maskKeepsPooledPrefix(text, config.text_config.eos_token_id)) {
    const what = 'get_text_features with an attention_mask that hides tokens before the end-of-text token';
    return (await runTextModel(bundle, text, { signal }, what)).text_embeds;
  }
  const outputs = await bundle.run('text_encoder', { [TEXT_INPUT]: text.ids }, [TEXT_OUTPUT], signal);
  return float32Result(outputs, 'text_encoder', TEXT_OUTPUT, [text.batch, config.projection_dim]);
}
