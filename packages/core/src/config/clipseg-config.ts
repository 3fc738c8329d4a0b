import { ProblemList } from './config-error.js';
import type { HiddenActivation } from './activations.js';
import { FieldReader, collectExtras, isJsonObject, mutableJsonCopy, toJsonObject } from './field-reader.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';
import { CLIPSegTextConfig, LEGACY_EOS_TOKEN_ID, readTextConfig } from './text-config.js';
import type { CLIPSegTextConfigInit } from './text-config.js';
import { CLIPSegVisionConfig, readVisionConfig } from './vision-config.js';
import type { CLIPSegVisionConfigInit } from './vision-config.js';

/** HF `model_type` of a full CLIPSeg config. */
export const CLIPSEG_MODEL_TYPE = 'clipseg';

/** The top-level fields of a {@link CLIPSegConfig} (besides `text_config` and `vision_config`), snake_case as in HF. */
export interface CLIPSegConfigFields {
  /** Width of the shared text/image embedding space. HF default 512. */
  readonly projection_dim: number;
  /** Initial value of the learnt `logit_scale` (training only; the weights hold the real value). HF default 2.6592. */
  readonly logit_scale_init_value: number;
  /**
   * Vision encoder layers whose outputs feed the decoder, as 0-based layer indices (HF reads
   * `hidden_states[i + 1]`); each in `[0, vision_config.num_hidden_layers − 1]`. HF default `[3, 6, 9]`.
   */
  readonly extract_layers: readonly number[];
  /** Width of the decoder (the reduced CLIP features). HF default 64. */
  readonly reduce_dim: number;
  /** Attention heads of each decoder layer; must divide `reduce_dim`. HF default 4. */
  readonly decoder_num_attention_heads: number;
  /** Decoder attention dropout probability (unused at inference). HF default 0. */
  readonly decoder_attention_dropout: number;
  /** Decoder MLP activation. HF default `quick_gelu`. */
  readonly decoder_hidden_act: HiddenActivation;
  /** Width of the decoder MLP. HF default 2048. */
  readonly decoder_intermediate_size: number;
  /**
   * Index, counted over the decoder's (reversed) `extract_layers` activations, after which the conditional
   * embedding is applied with FiLM; in `[0, extract_layers.length − 1]`. HF default 0.
   */
  readonly conditional_layer: number;
  /** Whether the decoder upsamples with the three-step ("refined") transposed convolution. HF default false. */
  readonly use_complex_transposed_convolution: boolean;
  /** Weight-init scale (training only). HF always sets 1.0 unless the dict says otherwise. */
  readonly initializer_factor: number;
}

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
export const CLIPSEG_CONFIG_DEFAULTS: Readonly<CLIPSegConfigFields> = Object.freeze({
  projection_dim: 512,
  logit_scale_init_value: 2.6592,
  extract_layers: Object.freeze([3, 6, 9]),
  reduce_dim: 64,
  decoder_num_attention_heads: 4,
  decoder_attention_dropout: 0,
  decoder_hidden_act: 'quick_gelu',
  decoder_intermediate_size: 2048,
  conditional_layer: 0,
  use_complex_transposed_convolution: false,
  initializer_factor: 1,
});

const LEGACY_SUB_DICTS = ['text_config_dict', 'vision_config_dict'];
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(CLIPSEG_CONFIG_DEFAULTS),
  'model_type',
  'text_config',
  'vision_config',
  ...LEGACY_SUB_DICTS,
]);

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
  const d = CLIPSEG_CONFIG_DEFAULTS;
  const fields: CLIPSegConfigFields = {
    projection_dim: r.int('projection_dim', d.projection_dim),
    logit_scale_init_value: r.number('logit_scale_init_value', d.logit_scale_init_value),
    extract_layers: r.intArray('extract_layers', d.extract_layers),
    reduce_dim: r.int('reduce_dim', d.reduce_dim),
    decoder_num_attention_heads: r.int('decoder_num_attention_heads', d.decoder_num_attention_heads),
    decoder_attention_dropout: r.number('decoder_attention_dropout', d.decoder_attention_dropout, { min: 0, max: 1 }),
    decoder_hidden_act: r.activation('decoder_hidden_act', d.decoder_hidden_act),
    decoder_intermediate_size: r.int('decoder_intermediate_size', d.decoder_intermediate_size),
    conditional_layer: r.int('conditional_layer', d.conditional_layer, 0),
    use_complex_transposed_convolution: r.bool('use_complex_transposed_convolution', d.use_complex_transposed_convolution),
    initializer_factor: r.number('initializer_factor', d.initializer_factor),
  };

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
export class CLIPSegConfig implements CLIPSegConfigFields {
  /** HF `model_type` of this config class. */
  static readonly MODEL_TYPE = CLIPSEG_MODEL_TYPE;

  /** Always `clipseg`. */
  readonly model_type = CLIPSEG_MODEL_TYPE;
  /** The text tower. */
  readonly text_config: CLIPSegTextConfig;
  /** The vision tower. */
  readonly vision_config: CLIPSegVisionConfig;
  readonly projection_dim: number;
  readonly logit_scale_init_value: number;
  readonly extract_layers: readonly number[];
  readonly reduce_dim: number;
  readonly decoder_num_attention_heads: number;
  readonly decoder_attention_dropout: number;
  readonly decoder_hidden_act: HiddenActivation;
  readonly decoder_intermediate_size: number;
  readonly conditional_layer: number;
  readonly use_complex_transposed_convolution: boolean;
  readonly initializer_factor: number;
  /** Top-level members this class does not model (`architectures`, `torch_dtype` …), kept verbatim, frozen. */
  readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a config from any subset of its fields; HF's defaults fill the rest (`new CLIPSegConfig()` is HF's
   * `CLIPSegConfig()`).
   * @throws {@link ConfigError} listing every invalid field, with paths such as `vision_config.patch_size`
   */
  constructor(init: CLIPSegConfigInit = {}) {
    const problems = new ProblemList();
    const read = readCLIPSegConfig(init, problems);
    problems.throwIfAny('CLIPSeg config');
    const f = read.fields;
    this.text_config = new CLIPSegTextConfig(read.text);
    this.vision_config = new CLIPSegVisionConfig(read.vision);
    this.projection_dim = f.projection_dim;
    this.logit_scale_init_value = f.logit_scale_init_value;
    this.extract_layers = Object.freeze([...f.extract_layers]);
    this.reduce_dim = f.reduce_dim;
    this.decoder_num_attention_heads = f.decoder_num_attention_heads;
    this.decoder_attention_dropout = f.decoder_attention_dropout;
    this.decoder_hidden_act = f.decoder_hidden_act;
    this.decoder_intermediate_size = f.decoder_intermediate_size;
    this.conditional_layer = f.conditional_layer;
    this.use_complex_transposed_convolution = f.use_complex_transposed_convolution;
    this.initializer_factor = f.initializer_factor;
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
    return {
      projection_dim: this.projection_dim,
      logit_scale_init_value: this.logit_scale_init_value,
      extract_layers: [...this.extract_layers],
      reduce_dim: this.reduce_dim,
      decoder_num_attention_heads: this.decoder_num_attention_heads,
      decoder_attention_dropout: this.decoder_attention_dropout,
      decoder_hidden_act: this.decoder_hidden_act,
      decoder_intermediate_size: this.decoder_intermediate_size,
      conditional_layer: this.conditional_layer,
      use_complex_transposed_convolution: this.use_complex_transposed_convolution,
      initializer_factor: this.initializer_factor,
    };
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
