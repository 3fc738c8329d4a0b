import { subConfigRecord } from './sub-config.js';
import { ProblemList } from './config-error.js';
import type { HiddenActivation } from './activations.js';
import { FieldReader, collectExtras, mutableJsonCopy } from './field-reader.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';

/** HF `model_type` of a CLIPSeg text tower config. */
export const CLIPSEG_TEXT_MODEL_TYPE = 'clipseg_text_model';

/** The fields of a {@link CLIPSegTextConfig}, snake_case as in HF's `config.json`. */
export interface CLIPSegTextConfigFields {
  /** Number of token embeddings. HF default 49408. */
  readonly vocab_size: number;
  /** Width of the text transformer. HF default 512. */
  readonly hidden_size: number;
  /** Width of the MLP inside each layer. HF default 2048. */
  readonly intermediate_size: number;
  /** Number of transformer layers. HF default 12. */
  readonly num_hidden_layers: number;
  /** Attention heads per layer; must divide `hidden_size`. HF default 8. */
  readonly num_attention_heads: number;
  /** Longest token sequence (position embeddings). HF default 77. */
  readonly max_position_embeddings: number;
  /** MLP activation. HF default `quick_gelu`. */
  readonly hidden_act: HiddenActivation;
  /** Layer-norm epsilon, > 0. HF default 1e-5. */
  readonly layer_norm_eps: number;
  /** Attention dropout probability (unused at inference). HF default 0. */
  readonly attention_dropout: number;
  /** Weight-init standard deviation (training only). HF default 0.02. */
  readonly initializer_range: number;
  /** Weight-init scale (training only). HF default 1. */
  readonly initializer_factor: number;
  /** Padding token id, or `null`. HF default 1. Not used by the model itself. */
  readonly pad_token_id: number | null;
  /** Start-of-text token id. HF default 49406; the CIDAS checkpoints say 0. */
  readonly bos_token_id: number;
  /**
   * End-of-text token id. HF default 49407. The CIDAS checkpoints say 2, which HF treats as a legacy marker: the
   * pooled output is then taken at the argmax of the input ids (see {@link CLIPSegTextConfig.usesLegacyArgmaxPooling}).
   */
  readonly eos_token_id: number;
}

/**
 * Argument of `new CLIPSegTextConfig(…)`: any subset of the fields (HF's defaults fill the rest), an optional
 * `model_type` (must be `clipseg_text_model`), and any extra HF attributes, kept as they are.
 */
export type CLIPSegTextConfigInit = { readonly [K in keyof CLIPSegTextConfigFields]?: CLIPSegTextConfigFields[K] } & {
  readonly model_type?: string;
  readonly [key: string]: unknown;
};

/** HF's defaults for {@link CLIPSegTextConfig}, exactly as in transformers' `configuration_clipseg.py`. */
export const CLIPSEG_TEXT_CONFIG_DEFAULTS: Readonly<CLIPSegTextConfigFields> = Object.freeze({
  vocab_size: 49408,
  hidden_size: 512,
  intermediate_size: 2048,
  num_hidden_layers: 12,
  num_attention_heads: 8,
  max_position_embeddings: 77,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
  attention_dropout: 0,
  initializer_range: 0.02,
  initializer_factor: 1,
  pad_token_id: 1,
  bos_token_id: 49406,
  eos_token_id: 49407,
});

const KNOWN_KEYS: ReadonlySet<string> = new Set([...Object.keys(CLIPSEG_TEXT_CONFIG_DEFAULTS), 'model_type']);

/** The eos id that marks a pre-2023 CLIP/CLIPSeg text config (HF transformers PR #24773). */
export const LEGACY_EOS_TOKEN_ID = 2;

/**
 * Reads and checks a text config object found at `prefix`, recording problems instead of throwing.
 * @internal
 */
export function readTextConfig(
  record: JsonObject,
  prefix: string,
  problems: ProblemList,
): { fields: CLIPSegTextConfigFields; extras: Readonly<JsonObject> } {
  const r = new FieldReader(record, prefix, problems);
  const d = CLIPSEG_TEXT_CONFIG_DEFAULTS;
  const modelType = record.model_type;
  if (modelType !== undefined && modelType !== CLIPSEG_TEXT_MODEL_TYPE) {
    problems.add(
      'CONFIG_WRONG_MODEL_TYPE',
      r.path('model_type'),
      `expected "${CLIPSEG_TEXT_MODEL_TYPE}", got ${describeValue(modelType)}. This is not a CLIPSeg text config; load the config that belongs to a CLIPSeg checkpoint.`,
    );
  }
  const fields: CLIPSegTextConfigFields = {
    vocab_size: r.int('vocab_size', d.vocab_size),
    hidden_size: r.int('hidden_size', d.hidden_size),
    intermediate_size: r.int('intermediate_size', d.intermediate_size),
    num_hidden_layers: r.int('num_hidden_layers', d.num_hidden_layers),
    num_attention_heads: r.int('num_attention_heads', d.num_attention_heads),
    max_position_embeddings: r.int('max_position_embeddings', d.max_position_embeddings),
    hidden_act: r.activation('hidden_act', d.hidden_act),
    layer_norm_eps: r.number('layer_norm_eps', d.layer_norm_eps, { minExclusive: 0 }),
    attention_dropout: r.number('attention_dropout', d.attention_dropout, { min: 0, max: 1 }),
    initializer_range: r.number('initializer_range', d.initializer_range, { min: 0 }),
    initializer_factor: r.number('initializer_factor', d.initializer_factor),
    pad_token_id: r.intOrNull('pad_token_id', d.pad_token_id),
    bos_token_id: r.int('bos_token_id', d.bos_token_id, 0),
    eos_token_id: r.int('eos_token_id', d.eos_token_id, 0),
  };
  const path = r.path.bind(r);
  if (
    !problems.has(path('hidden_size')) &&
    !problems.has(path('num_attention_heads')) &&
    fields.hidden_size % fields.num_attention_heads !== 0
  ) {
    problems.add(
      'CONFIG_INCONSISTENT_FIELDS',
      path('num_attention_heads'),
      `hidden_size ${fields.hidden_size} is not divisible by num_attention_heads ${fields.num_attention_heads}. Use a head count that divides hidden_size.`,
    );
  }
  if (!problems.has(path('vocab_size'))) {
    for (const key of ['bos_token_id', 'eos_token_id', 'pad_token_id'] as const) {
      const id = fields[key];
      if (id !== null && !problems.has(path(key)) && id >= fields.vocab_size) {
        problems.add(
          'CONFIG_INCONSISTENT_FIELDS',
          path(key),
          `token id ${id} is outside the vocabulary (vocab_size ${fields.vocab_size}). Use the id the tokenizer assigns to this token.`,
        );
      }
    }
  }
  return { fields, extras: collectExtras(record, KNOWN_KEYS, problems, prefix) };
}

/**
 * The text tower of CLIPSeg (HF `CLIPSegTextConfig`). Immutable; fields keep HF's snake_case names so that
 * {@link CLIPSegTextConfig.toJSON} writes an HF-compatible dict.
 *
 * @example
 * ```ts
 * const text = new CLIPSegTextConfig({ hidden_size: 64, num_attention_heads: 4 });
 * text.headDim; // 16
 * ```
 */
export class CLIPSegTextConfig implements CLIPSegTextConfigFields {
  /** HF `model_type` of this config class. */
  static readonly MODEL_TYPE = CLIPSEG_TEXT_MODEL_TYPE;

  /** Always `clipseg_text_model`. */
  readonly model_type = CLIPSEG_TEXT_MODEL_TYPE;
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly max_position_embeddings: number;
  readonly hidden_act: HiddenActivation;
  readonly layer_norm_eps: number;
  readonly attention_dropout: number;
  readonly initializer_range: number;
  readonly initializer_factor: number;
  readonly pad_token_id: number | null;
  readonly bos_token_id: number;
  readonly eos_token_id: number;
  /** Members of the HF dict this class does not model (`architectures`, `id2label` …), kept verbatim, frozen. */
  readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a text config from any subset of its fields; HF's defaults fill the rest.
   * @throws {@link ConfigError} listing every invalid field
   */
  constructor(init: CLIPSegTextConfigInit = {}) {
    const problems = new ProblemList();
    const { fields, extras } = readTextConfig(init, '', problems);
    problems.throwIfAny('CLIPSeg text config');
    this.vocab_size = fields.vocab_size;
    this.hidden_size = fields.hidden_size;
    this.intermediate_size = fields.intermediate_size;
    this.num_hidden_layers = fields.num_hidden_layers;
    this.num_attention_heads = fields.num_attention_heads;
    this.max_position_embeddings = fields.max_position_embeddings;
    this.hidden_act = fields.hidden_act;
    this.layer_norm_eps = fields.layer_norm_eps;
    this.attention_dropout = fields.attention_dropout;
    this.initializer_range = fields.initializer_range;
    this.initializer_factor = fields.initializer_factor;
    this.pad_token_id = fields.pad_token_id;
    this.bos_token_id = fields.bos_token_id;
    this.eos_token_id = fields.eos_token_id;
    this.extras = extras;
  }

  /**
   * Parses a text config: a JSON string or an already parsed object. Like HF's `CLIPSegTextConfig.from_pretrained`,
   * a full CLIPSeg config (`model_type: "clipseg"`) is accepted and its `text_config` is used.
   * @throws {@link ConfigError} on bad JSON, a wrong `model_type` or invalid fields
   */
  static fromJSON(json: string | unknown): CLIPSegTextConfig {
    const what = 'CLIPSeg text config';
    const { record, prefix } = subConfigRecord(json, 'text_config', what);
    const problems = new ProblemList();
    readTextConfig(record, prefix, problems);
    problems.throwIfAny(what);
    return new CLIPSegTextConfig(record);
  }

  /** Width of one attention head: `hidden_size / num_attention_heads`. */
  get headDim(): number {
    return this.hidden_size / this.num_attention_heads;
  }

  /**
   * True when `eos_token_id` is 2, as in the CIDAS checkpoints. HF then pools the text output at
   * `argmax(input_ids)` (the position of the highest id, which is `<|endoftext|>` 49407 for CLIP's tokenizer)
   * instead of at the first position whose id equals `eos_token_id`.
   */
  get usesLegacyArgmaxPooling(): boolean {
    return this.eos_token_id === LEGACY_EOS_TOKEN_ID;
  }

  /** The modelled fields only, without `model_type` or extras. */
  fields(): CLIPSegTextConfigFields {
    return {
      vocab_size: this.vocab_size,
      hidden_size: this.hidden_size,
      intermediate_size: this.intermediate_size,
      num_hidden_layers: this.num_hidden_layers,
      num_attention_heads: this.num_attention_heads,
      max_position_embeddings: this.max_position_embeddings,
      hidden_act: this.hidden_act,
      layer_norm_eps: this.layer_norm_eps,
      attention_dropout: this.attention_dropout,
      initializer_range: this.initializer_range,
      initializer_factor: this.initializer_factor,
      pad_token_id: this.pad_token_id,
      bos_token_id: this.bos_token_id,
      eos_token_id: this.eos_token_id,
    };
  }

  /** A copy with some fields (or extras) replaced. @throws {@link ConfigError} when the result is invalid */
  with(overrides: CLIPSegTextConfigInit): CLIPSegTextConfig {
    return new CLIPSegTextConfig({ ...this.extras, ...this.fields(), ...overrides });
  }

  /** The HF dict form (`model_type`, every field, then the extras); a fresh, mutable object. */
  toDict(): Record<string, unknown> {
    return { model_type: this.model_type, ...this.fields(), ...mutableJsonCopy(this.extras) };
  }

  /** Same as {@link CLIPSegTextConfig.toDict}; lets `JSON.stringify(config)` write HF JSON. */
  toJSON(): Record<string, unknown> {
    return this.toDict();
  }
}
