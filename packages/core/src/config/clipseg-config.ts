import { ProblemList } from './config-error.js';
import { FieldReader, collectExtras, isJsonObject, mutableJsonCopy, toJsonObject } from './field-reader.js';
import { defaultsOf, field, freshFields, knownKeys, readFields, storedFields } from './field-table.js';
import type { FieldValues } from './field-table.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';
import { CLIPSegTextConfig, LEGACY_EOS_TOKEN_ID, readTextConfig } from './text-config.js';
import type { CLIPSegTextConfigInit } from './text-config.js';
import { CLIPSegVisionConfig, readVisionConfig } from './vision-config.js';
import type { CLIPSegVisionConfigInit } from './vision-config.js';

/** HF `model_type` of a full CLIPSeg config. */
export const CLIPSEG_MODEL_TYPE = 'clipseg';

/**
 * The field table of the top level of {@link CLIPSegConfig} (besides `text_config` and `vision_config`), in HF's
 * order: each entry's TSDoc documents the field, and the fields type, the defaults, the reader and `toDict` derive
 * from it.
 * @internal
 */
export const CLIPSEG_CONFIG_FIELDS = Object.freeze({
  /** Width of the shared text/image embedding space. HF default 512. */
  projection_dim: field.int(512),
  /** Initial value of the learnt `logit_scale` (training only; the weights hold the real value). HF default 2.6592. */
  logit_scale_init_value: field.number(2.6592),
  /**
   * Vision encoder layers whose outputs feed the decoder, as 0-based layer indices (HF reads
   * `hidden_states[i + 1]`); each in `[0, vision_config.num_hidden_layers − 1]`. HF default `[3, 6, 9]`.
   */
  extract_layers: field.intArray([3, 6, 9]),
  /** Width of the decoder (the reduced CLIP features). HF default 64. */
  reduce_dim: field.int(64),
  /** Attention heads of each decoder layer; must divide `reduce_dim`. HF default 4. */
  decoder_num_attention_heads: field.int(4),
  /** Decoder attention dropout probability (unused at inference). HF default 0. */
  decoder_attention_dropout: field.number(0, { min: 0, max: 1 }),
  /** Decoder MLP activation. HF default `quick_gelu`. */
  decoder_hidden_act: field.activation('quick_gelu'),
  /** Width of the decoder MLP. HF default 2048. */
  decoder_intermediate_size: field.int(2048),
  /**
   * Index, counted over the decoder's (reversed) `extract_layers` activations, after which the conditional
   * embedding is applied with FiLM; in `[0, extract_layers.length − 1]`. HF default 0.
   */
  conditional_layer: field.int(0, 0),
  /** Whether the decoder upsamples with the three-step ("refined") transposed convolution. HF default false. */
  use_complex_transposed_convolution: field.bool(false),
  /** Weight-init scale (training only). HF always sets 1.0 unless the dict says otherwise. */
  initializer_factor: field.number(1),
});

/** The top-level fields of a {@link CLIPSegConfig} (besides `text_config` and `vision_config`), snake_case as in HF. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface (not an alias) whose members are the table's
export interface CLIPSegConfigFields extends FieldValues<typeof CLIPSEG_CONFIG_FIELDS> {}

/** Top-level overrides accepted by {@link CLIPSegConfig.fromTextVisionConfigs} and {@link CLIPSegConfig.with}. */
export type CLIPSegConfigOverrides = { readonly [K in keyof CLIPSegConfigFields]?: CLIPSegConfigFields[K] } & {
  readonly [key: string]: unknown;
};

/**
 * Argument of `new CLIPSegConfig(…)`: any subset of the fields (HF's defaults fill the rest), sub-configs as
 * instances or plain HF dicts, an optional `model_type` (must be `clipseg`) and extra HF attributes, kept as they
 * are. HF's legacy `text_config_dict` / `vision_config_dict` are merged over `text_config` / `vision_config`.
 */
export type CLIPSegConfigInit = CLIPSegConfigOverrides & {
  readonly model_type?: string;
  readonly text_config?: CLIPSegTextConfig | CLIPSegTextConfigInit | null;
  readonly vision_config?: CLIPSegVisionConfig | CLIPSegVisionConfigInit | null;
};

/** HF's defaults for the top level of {@link CLIPSegConfig}, exactly as in transformers' `configuration_clipseg.py`. */
export const CLIPSEG_CONFIG_DEFAULTS: Readonly<CLIPSegConfigFields> = defaultsOf(CLIPSEG_CONFIG_FIELDS);

const LEGACY_SUB_DICTS = ['text_config_dict', 'vision_config_dict'];
const KNOWN_KEYS: ReadonlySet<string> = knownKeys(CLIPSEG_CONFIG_FIELDS, 'model_type', 'text_config', 'vision_config', ...LEGACY_SUB_DICTS);

/** Resolves `text_config` / `vision_config` (plus its legacy `*_dict`) to a plain object, or records a problem. */
function subConfigRecord(record: JsonObject, key: string, problems: ProblemList): JsonObject {
  let value = record[key];
  if (value instanceof CLIPSegTextConfig || value instanceof CLIPSegVisionConfig) value = value.toDict();
  let sub: JsonObject = {};
  if (isJsonObject(value)) sub = value;
  else if (value !== undefined && value !== null) {
    problems.add('CONFIG_INVALID_FIELD', key, `expected an object (or null for HF's defaults), got a ${Array.isArray(value) ? 'array' : typeof value}.`);
  }
  const legacy = record[`${key}_dict`];
  if (isJsonObject(legacy)) sub = { ...sub, ...legacy };
  return sub;
}

/** Everything read from a full config, before instances are built. */
interface ReadConfig {
  fields: CLIPSegConfigFields;
  text: JsonObject;
  vision: JsonObject;
  extras: Readonly<JsonObject>;
}

/** Reads and checks a full CLIPSeg config, recording problems instead of throwing. */
function readCLIPSegConfig(record: JsonObject, problems: ProblemList): ReadConfig {
  const modelType = record.model_type;
  if (modelType !== undefined && modelType !== CLIPSEG_MODEL_TYPE) {
    const hint =
      modelType === 'clipseg_text_model'
        ? 'This is a text tower config: read it with CLIPSegTextConfig.fromJSON.'
        : modelType === 'clipseg_vision_model'
          ? 'This is a vision tower config: read it with CLIPSegVisionConfig.fromJSON.'
          : 'This is not a CLIPSeg checkpoint; load the config.json of a CLIPSeg model (e.g. CIDAS/clipseg-rd64-refined).';
    problems.add('CONFIG_WRONG_MODEL_TYPE', 'model_type', `expected "${CLIPSEG_MODEL_TYPE}", got ${describeValue(modelType)}. ${hint}`);
  }
  const text = subConfigRecord(record, 'text_config', problems);
  const vision = subConfigRecord(record, 'vision_config', problems);
  readTextConfig(text, 'text_config', problems);
  const visionFields = readVisionConfig(vision, 'vision_config', problems).fields;

  const r = new FieldReader(record, '', problems);
  const fields: CLIPSegConfigFields = readFields(CLIPSEG_CONFIG_FIELDS, r, undefined);

  const layersOk = !problems.has('vision_config.num_hidden_layers');
  if (!problems.has('extract_layers') && layersOk) {
    const depth = visionFields.num_hidden_layers;
    fields.extract_layers.forEach((layer, index) => {
      if (layer > depth - 1) {
        problems.add(
          'CONFIG_INCONSISTENT_FIELDS',
          `extract_layers[${index}]`,
          `layer ${layer} does not exist: vision_config.num_hidden_layers is ${depth}, so layers are 0…${depth - 1}. Use indices in [0, ${depth - 1}].`,
        );
      }
    });
  }
  if (!problems.has('extract_layers') && !problems.has('conditional_layer')) {
    const count = fields.extract_layers.length;
    if (fields.conditional_layer > count - 1) {
      problems.add(
        'CONFIG_INCONSISTENT_FIELDS',
        'conditional_layer',
        `${fields.conditional_layer} is out of range: extract_layers has ${count} entr${count === 1 ? 'y' : 'ies'}, so conditional_layer must be in [0, ${count - 1}].`,
      );
    }
  }
  if (
    !problems.has('reduce_dim') &&
    !problems.has('decoder_num_attention_heads') &&
    fields.reduce_dim % fields.decoder_num_attention_heads !== 0
  ) {
    problems.add(
      'CONFIG_INCONSISTENT_FIELDS',
      'decoder_num_attention_heads',
      `reduce_dim ${fields.reduce_dim} is not divisible by decoder_num_attention_heads ${fields.decoder_num_attention_heads}. Use a head count that divides reduce_dim.`,
    );
  }
  if (fields.use_complex_transposed_convolution && !problems.has('use_complex_transposed_convolution')) {
    const patch = visionFields.patch_size;
    if (!problems.has('vision_config.patch_size') && patch % 4 !== 0) {
      problems.add(
        'CONFIG_INCONSISTENT_FIELDS',
        'use_complex_transposed_convolution',
        `the complex transposed convolution upsamples by patch_size / 4 twice, but vision_config.patch_size is ${patch}. Use a patch size divisible by 4, or set use_complex_transposed_convolution to false.`,
      );
    }
    if (!problems.has('reduce_dim') && fields.reduce_dim < 2) {
      problems.add(
        'CONFIG_INCONSISTENT_FIELDS',
        'use_complex_transposed_convolution',
        `the complex transposed convolution halves reduce_dim, which is ${fields.reduce_dim}. Use reduce_dim ≥ 2, or set use_complex_transposed_convolution to false.`,
      );
    }
  }
  return { fields, text, vision, extras: collectExtras(record, KNOWN_KEYS, problems) };
}

// The class's field properties come from the table: this merged interface declares them (with their TSDoc) and the
// constructor assigns every one of them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface CLIPSegConfig extends CLIPSegConfigFields {}

/**
 * A full CLIPSeg configuration (HF `CLIPSegConfig`): the text tower, the vision tower, the projections and the
 * decoder. Immutable; fields keep HF's snake_case names so that {@link CLIPSegConfig.toJSON} writes HF's dict.
 *
 * @example
 * ```ts
 * const config = CLIPSegConfig.fromJSON(await (await fetch(url)).text());
 * config.vision_config.numPositions; // 197 for the CIDAS checkpoints
 * config.usesLegacyArgmaxPooling;    // true for the CIDAS checkpoints (eos_token_id 2)
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CLIPSegConfig implements CLIPSegConfigFields {
  /** HF `model_type` of this config class. */
  static readonly MODEL_TYPE = CLIPSEG_MODEL_TYPE;

  /** Always `clipseg`. */
  readonly model_type = CLIPSEG_MODEL_TYPE;
  /** The text tower. */
  readonly text_config: CLIPSegTextConfig;
  /** The vision tower. */
  readonly vision_config: CLIPSegVisionConfig;
  /** Top-level members this class does not model (`architectures`, `torch_dtype` …), kept verbatim, frozen. */
  declare readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a config from any subset of its fields; HF's defaults fill the rest (`new CLIPSegConfig()` is HF's
   * `CLIPSegConfig()`).
   * @throws {@link ConfigError} listing every invalid field, with paths such as `vision_config.patch_size`
   */
  constructor(init: CLIPSegConfigInit = {}) {
    const problems = new ProblemList();
    const read = readCLIPSegConfig(init, problems);
    problems.throwIfAny('CLIPSeg config');
    this.text_config = new CLIPSegTextConfig(read.text);
    this.vision_config = new CLIPSegVisionConfig(read.vision);
    Object.assign(this, storedFields(CLIPSEG_CONFIG_FIELDS, read.fields));
    this.extras = read.extras;
  }

  /**
   * Parses HF's `config.json`: the file's text, or the object `JSON.parse` made of it. A missing `model_type` is
   * accepted, as HF's `CLIPSegConfig.from_dict` accepts it; any other value than `clipseg` is rejected.
   * @throws {@link ConfigError} `CONFIG_INVALID_JSON`, `CONFIG_NOT_AN_OBJECT`, `CONFIG_WRONG_MODEL_TYPE`,
   *   `CONFIG_INVALID_FIELD`, `CONFIG_INCONSISTENT_FIELDS` or `CONFIG_UNSUPPORTED_VALUE`
   */
  static fromJSON(json: string | unknown): CLIPSegConfig {
    return new CLIPSegConfig(toJsonObject(json, 'CLIPSeg config'));
  }

  /**
   * Combines a text and a vision config, like HF's `CLIPSegConfig.from_text_vision_configs`.
   * @param overrides - top-level fields (and extras); HF's defaults fill the rest
   * @throws {@link ConfigError} when the combination is invalid (e.g. `extract_layers` deeper than the vision tower)
   */
  static fromTextVisionConfigs(
    textConfig: CLIPSegTextConfig,
    visionConfig: CLIPSegVisionConfig,
    overrides: CLIPSegConfigOverrides = {},
  ): CLIPSegConfig {
    return new CLIPSegConfig({ ...overrides, text_config: textConfig, vision_config: visionConfig });
  }

  /** Width of one decoder attention head: `reduce_dim / decoder_num_attention_heads`. */
  get decoderHeadDim(): number {
    return this.reduce_dim / this.decoder_num_attention_heads;
  }

  /** Same as `text_config.usesLegacyArgmaxPooling` (see {@link usesLegacyArgmaxPooling}). */
  get usesLegacyArgmaxPooling(): boolean {
    return this.text_config.usesLegacyArgmaxPooling;
  }

  /** The modelled top-level fields only (no sub-configs, `model_type` or extras); `extract_layers` is a fresh array. */
  fields(): CLIPSegConfigFields {
    return freshFields(CLIPSEG_CONFIG_FIELDS, this);
  }

  /**
   * A copy with some fields replaced. Sub-config overrides given as plain objects are merged into the current
   * sub-configs; instances replace them; `null` or absent keeps them.
   * @throws {@link ConfigError} when the result is invalid
   */
  with(overrides: CLIPSegConfigInit): CLIPSegConfig {
    const merge = (current: CLIPSegTextConfig | CLIPSegVisionConfig, next: unknown): unknown =>
      isJsonObject(next) && !(next instanceof CLIPSegTextConfig) && !(next instanceof CLIPSegVisionConfig)
        ? { ...current.toDict(), ...next }
        : (next ?? current);
    return new CLIPSegConfig({
      ...this.extras,
      ...this.fields(),
      ...overrides,
      text_config: merge(this.text_config, overrides.text_config) as CLIPSegTextConfigInit,
      vision_config: merge(this.vision_config, overrides.vision_config) as CLIPSegVisionConfigInit,
    });
  }

  /** The HF dict form: `model_type`, both sub-config dicts (each with its `model_type`), every field, the extras. */
  toDict(): Record<string, unknown> {
    return {
      model_type: this.model_type,
      text_config: this.text_config.toDict(),
      vision_config: this.vision_config.toDict(),
      ...this.fields(),
      ...mutableJsonCopy(this.extras),
    };
  }

  /** Same as {@link CLIPSegConfig.toDict}; lets `JSON.stringify(config)` write HF's `config.json`. */
  toJSON(): Record<string, unknown> {
    return this.toDict();
  }
}

/**
 * True when the text tower pools at `argmax(input_ids)` rather than at the first `eos_token_id`: HF does so when
 * `text_config.eos_token_id == 2`, which is what the published CIDAS checkpoints say (a pre-2023 default). With
 * CLIP's tokenizer, whose `<|endoftext|>` (49407) is the highest id, both rules pick the first `<|endoftext|>`.
 */
export function usesLegacyArgmaxPooling(config: CLIPSegConfig | CLIPSegTextConfig | { readonly eos_token_id: number }): boolean {
  const text = config instanceof CLIPSegConfig ? config.text_config : config;
  return text.eos_token_id === LEGACY_EOS_TOKEN_ID;
}
