import { subConfigRecord } from './sub-config.js';
import { ProblemList } from './config-error.js';
import { FieldReader, collectExtras, mutableJsonCopy } from './field-reader.js';
import { defaultsOf, field, freshFields, knownKeys, readFields, storedFields } from './field-table.js';
import type { FieldValues } from './field-table.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';

/** HF `model_type` of a CLIPSeg text tower config. */
export const CLIPSEG_TEXT_MODEL_TYPE = 'clipseg_text_model';

/**
 * The field table of {@link CLIPSegTextConfig}, in HF's order: each entry's TSDoc documents the field, and the
 * fields type, the defaults, the reader and `toDict` derive from it.
 * @internal
 */
export const CLIPSEG_TEXT_CONFIG_FIELDS = Object.freeze({
  /** Number of token embeddings. HF default 49408. */
  vocab_size: field.int(49408),
  /** Width of the text transformer. HF default 512. */
  hidden_size: field.int(512),
  /** Width of the MLP inside each layer. HF default 2048. */
  intermediate_size: field.int(2048),
  /** Number of transformer layers. HF default 12. */
  num_hidden_layers: field.int(12),
  /** Attention heads per layer; must divide `hidden_size`. HF default 8. */
  num_attention_heads: field.int(8),
  /** Longest token sequence (position embeddings). HF default 77. */
  max_position_embeddings: field.int(77),
  /** MLP activation. HF default `quick_gelu`. */
  hidden_act: field.activation('quick_gelu'),
  /** Layer-norm epsilon, > 0. HF default 1e-5. */
  layer_norm_eps: field.number(1e-5, { minExclusive: 0 }),
  /** Attention dropout probability (unused at inference). HF default 0. */
  attention_dropout: field.number(0, { min: 0, max: 1 }),
  /** Weight-init standard deviation (training only). HF default 0.02. */
  initializer_range: field.number(0.02, { min: 0 }),
  /** Weight-init scale (training only). HF default 1. */
  initializer_factor: field.number(1),
  /** Padding token id, or `null`. HF default 1. Not used by the model itself. */
  pad_token_id: field.intOrNull(1),
  /** Start-of-text token id. HF default 49406; the CIDAS checkpoints say 0. */
  bos_token_id: field.int(49406, 0),
  /**
   * End-of-text token id. HF default 49407. The CIDAS checkpoints say 2, which HF treats as a legacy marker: the
   * pooled output is then taken at the argmax of the input ids (see {@link CLIPSegTextConfig.usesLegacyArgmaxPooling}).
   */
  eos_token_id: field.int(49407, 0),
});

/** The fields of a {@link CLIPSegTextConfig}, snake_case as in HF's `config.json`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface (not an alias) whose members are the table's
export interface CLIPSegTextConfigFields extends FieldValues<typeof CLIPSEG_TEXT_CONFIG_FIELDS> {}

/**
 * Argument of `new CLIPSegTextConfig(…)`: any subset of the fields (HF's defaults fill the rest), an optional
 * `model_type` (must be `clipseg_text_model`), and any extra HF attributes, kept as they are.
 */
export type CLIPSegTextConfigInit = { readonly [K in keyof CLIPSegTextConfigFields]?: CLIPSegTextConfigFields[K] } & {
  readonly model_type?: string;
  readonly [key: string]: unknown;
};

/** HF's defaults for {@link CLIPSegTextConfig}, exactly as in transformers' `configuration_clipseg.py`. */
export const CLIPSEG_TEXT_CONFIG_DEFAULTS: Readonly<CLIPSegTextConfigFields> = defaultsOf(CLIPSEG_TEXT_CONFIG_FIELDS);

const KNOWN_KEYS: ReadonlySet<string> = knownKeys(CLIPSEG_TEXT_CONFIG_FIELDS, 'model_type');

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
  const modelType = record.model_type;
  if (modelType !== undefined && modelType !== CLIPSEG_TEXT_MODEL_TYPE) {
    problems.add(
      'CONFIG_WRONG_MODEL_TYPE',
      r.path('model_type'),
      `expected "${CLIPSEG_TEXT_MODEL_TYPE}", got ${describeValue(modelType)}. This is not a CLIPSeg text config; load the config that belongs to a CLIPSeg checkpoint.`,
    );
  }
  const fields: CLIPSegTextConfigFields = readFields(CLIPSEG_TEXT_CONFIG_FIELDS, r, undefined);
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

// The class's field properties come from the table: this merged interface declares them (with their TSDoc) and the
// constructor assigns every one of them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface CLIPSegTextConfig extends CLIPSegTextConfigFields {}

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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CLIPSegTextConfig implements CLIPSegTextConfigFields {
  /** HF `model_type` of this config class. */
  static readonly MODEL_TYPE = CLIPSEG_TEXT_MODEL_TYPE;

  /** Always `clipseg_text_model`. */
  readonly model_type = CLIPSEG_TEXT_MODEL_TYPE;
  /** Members of the HF dict this class does not model (`architectures`, `id2label` …), kept verbatim, frozen. */
  declare readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a text config from any subset of its fields; HF's defaults fill the rest.
   * @throws {@link ConfigError} listing every invalid field
   */
  constructor(init: CLIPSegTextConfigInit = {}) {
    const problems = new ProblemList();
    const { fields, extras } = readTextConfig(init, '', problems);
    problems.throwIfAny('CLIPSeg text config');
    Object.assign(this, storedFields(CLIPSEG_TEXT_CONFIG_FIELDS, fields));
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
    return freshFields(CLIPSEG_TEXT_CONFIG_FIELDS, this);
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
