import { subConfigRecord } from './sub-config.js';
import { ProblemList } from './config-error.js';
import type { HiddenActivation } from './activations.js';
import { FieldReader, collectExtras, mutableJsonCopy } from './field-reader.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';

/** HF `model_type` of a CLIPSeg vision tower config. */
export const CLIPSEG_VISION_MODEL_TYPE = 'clipseg_vision_model';

/** The fields of a {@link CLIPSegVisionConfig}, snake_case as in HF's `config.json`. */
export interface CLIPSegVisionConfigFields {
  /** Width of the vision transformer. HF default 768. */
  readonly hidden_size: number;
  /** Width of the MLP inside each layer. HF default 3072. */
  readonly intermediate_size: number;
  /** Number of transformer layers; bounds `extract_layers`. HF default 12. */
  readonly num_hidden_layers: number;
  /** Attention heads per layer; must divide `hidden_size`. HF default 12. */
  readonly num_attention_heads: number;
  /** Input image channels. HF default 3. */
  readonly num_channels: number;
  /** Side of the square image the position embeddings were trained for. HF default 224. */
  readonly image_size: number;
  /** Side of one square patch; must divide `image_size`. HF default 32 (the CIDAS checkpoints use 16). */
  readonly patch_size: number;
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
}

/**
 * Argument of `new CLIPSegVisionConfig(…)`: any subset of the fields (HF's defaults fill the rest), an optional
 * `model_type` (must be `clipseg_vision_model`), and any extra HF attributes, kept as they are.
 */
export type CLIPSegVisionConfigInit = {
  readonly [K in keyof CLIPSegVisionConfigFields]?: CLIPSegVisionConfigFields[K];
} & {
  readonly model_type?: string;
  readonly [key: string]: unknown;
};

/** HF's defaults for {@link CLIPSegVisionConfig}, exactly as in transformers' `configuration_clipseg.py`. */
export const CLIPSEG_VISION_CONFIG_DEFAULTS: Readonly<CLIPSegVisionConfigFields> = Object.freeze({
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  num_channels: 3,
  image_size: 224,
  patch_size: 32,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
  attention_dropout: 0,
  initializer_range: 0.02,
  initializer_factor: 1,
});

const KNOWN_KEYS: ReadonlySet<string> = new Set([...Object.keys(CLIPSEG_VISION_CONFIG_DEFAULTS), 'model_type']);

/**
 * Reads and checks a vision config object found at `prefix`, recording problems instead of throwing.
 * @internal
 */
export function readVisionConfig(
  record: JsonObject,
  prefix: string,
  problems: ProblemList,
): { fields: CLIPSegVisionConfigFields; extras: Readonly<JsonObject> } {
  const r = new FieldReader(record, prefix, problems);
  const d = CLIPSEG_VISION_CONFIG_DEFAULTS;
  const modelType = record.model_type;
  if (modelType !== undefined && modelType !== CLIPSEG_VISION_MODEL_TYPE) {
    problems.add(
      'CONFIG_WRONG_MODEL_TYPE',
      r.path('model_type'),
      `expected "${CLIPSEG_VISION_MODEL_TYPE}", got ${describeValue(modelType)}. This is not a CLIPSeg vision config; load the config that belongs to a CLIPSeg checkpoint.`,
    );
  }
  const fields: CLIPSegVisionConfigFields = {
    hidden_size: r.int('hidden_size', d.hidden_size),
    intermediate_size: r.int('intermediate_size', d.intermediate_size),
    num_hidden_layers: r.int('num_hidden_layers', d.num_hidden_layers),
    num_attention_heads: r.int('num_attention_heads', d.num_attention_heads),
    num_channels: r.int('num_channels', d.num_channels),
    image_size: r.int('image_size', d.image_size),
    patch_size: r.int('patch_size', d.patch_size),
    hidden_act: r.activation('hidden_act', d.hidden_act),
    layer_norm_eps: r.number('layer_norm_eps', d.layer_norm_eps, { minExclusive: 0 }),
    attention_dropout: r.number('attention_dropout', d.attention_dropout, { min: 0, max: 1 }),
    initializer_range: r.number('initializer_range', d.initializer_range, { min: 0 }),
    initializer_factor: r.number('initializer_factor', d.initializer_factor),
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
  if (
    !problems.has(path('image_size')) &&
    !problems.has(path('patch_size')) &&
    fields.image_size % fields.patch_size !== 0
  ) {
    problems.add(
      'CONFIG_INCONSISTENT_FIELDS',
      path('patch_size'),
      `image_size ${fields.image_size} is not a multiple of patch_size ${fields.patch_size}. Use a patch size that divides image_size (CLIPSeg uses 224 and 16).`,
    );
  }
  return { fields, extras: collectExtras(record, KNOWN_KEYS, problems, prefix) };
}

/**
 * The vision tower of CLIPSeg (HF `CLIPSegVisionConfig`, a ViT). Immutable; fields keep HF's snake_case names so
 * that {@link CLIPSegVisionConfig.toJSON} writes an HF-compatible dict.
 *
 * @example
 * ```ts
 * const vision = new CLIPSegVisionConfig({ patch_size: 16 });
 * vision.numPositions; // 197 = 14 * 14 + 1
 * ```
 */
export class CLIPSegVisionConfig implements CLIPSegVisionConfigFields {
  /** HF `model_type` of this config class. */
  static readonly MODEL_TYPE = CLIPSEG_VISION_MODEL_TYPE;

  /** Always `clipseg_vision_model`. */
  readonly model_type = CLIPSEG_VISION_MODEL_TYPE;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly num_channels: number;
  readonly image_size: number;
  readonly patch_size: number;
  readonly hidden_act: HiddenActivation;
  readonly layer_norm_eps: number;
  readonly attention_dropout: number;
  readonly initializer_range: number;
  readonly initializer_factor: number;
  /** Members of the HF dict this class does not model, kept verbatim, frozen. */
  readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a vision config from any subset of its fields; HF's defaults fill the rest.
   * @throws {@link ConfigError} listing every invalid field
   */
  constructor(init: CLIPSegVisionConfigInit = {}) {
    const problems = new ProblemList();
    const { fields, extras } = readVisionConfig(init, '', problems);
    problems.throwIfAny('CLIPSeg vision config');
    this.hidden_size = fields.hidden_size;
    this.intermediate_size = fields.intermediate_size;
    this.num_hidden_layers = fields.num_hidden_layers;
    this.num_attention_heads = fields.num_attention_heads;
    this.num_channels = fields.num_channels;
    this.image_size = fields.image_size;
    this.patch_size = fields.patch_size;
    this.hidden_act = fields.hidden_act;
    this.layer_norm_eps = fields.layer_norm_eps;
    this.attention_dropout = fields.attention_dropout;
    this.initializer_range = fields.initializer_range;
    this.initializer_factor = fields.initializer_factor;
    this.extras = extras;
  }

  /**
   * Parses a vision config: a JSON string or an already parsed object. Like HF's
   * `CLIPSegVisionConfig.from_pretrained`, a full CLIPSeg config (`model_type: "clipseg"`) is accepted and its
   * `vision_config` is used.
   * @throws {@link ConfigError} on bad JSON, a wrong `model_type` or invalid fields
   */
  static fromJSON(json: string | unknown): CLIPSegVisionConfig {
    const what = 'CLIPSeg vision config';
    const { record, prefix } = subConfigRecord(json, 'vision_config', what);
    const problems = new ProblemList();
    readVisionConfig(record, prefix, problems);
    problems.throwIfAny(what);
    return new CLIPSegVisionConfig(record);
  }

  /** Width of one attention head: `hidden_size / num_attention_heads`. */
  get headDim(): number {
    return this.hidden_size / this.num_attention_heads;
  }

  /** Patches along each side of the image: `image_size / patch_size` (14 for 224 / 16). */
  get numPatchesPerSide(): number {
    return this.image_size / this.patch_size;
  }

  /** Number of patches: `(image_size / patch_size)²` (196 for 224 / 16). */
  get numPatches(): number {
    return this.numPatchesPerSide ** 2;
  }

  /** Token positions including the class token: `numPatches + 1` (197 for 224 / 16). */
  get numPositions(): number {
    return this.numPatches + 1;
  }

  /** The modelled fields only, without `model_type` or extras. */
  fields(): CLIPSegVisionConfigFields {
    return {
      hidden_size: this.hidden_size,
      intermediate_size: this.intermediate_size,
      num_hidden_layers: this.num_hidden_layers,
      num_attention_heads: this.num_attention_heads,
      num_channels: this.num_channels,
      image_size: this.image_size,
      patch_size: this.patch_size,
      hidden_act: this.hidden_act,
      layer_norm_eps: this.layer_norm_eps,
      attention_dropout: this.attention_dropout,
      initializer_range: this.initializer_range,
      initializer_factor: this.initializer_factor,
    };
  }

  /** A copy with some fields (or extras) replaced. @throws {@link ConfigError} when the result is invalid */
  with(overrides: CLIPSegVisionConfigInit): CLIPSegVisionConfig {
    return new CLIPSegVisionConfig({ ...this.extras, ...this.fields(), ...overrides });
  }

  /** The HF dict form (`model_type`, every field, then the extras); a fresh, mutable object. */
  toDict(): Record<string, unknown> {
    return { model_type: this.model_type, ...this.fields(), ...mutableJsonCopy(this.extras) };
  }

  /** Same as {@link CLIPSegVisionConfig.toDict}; lets `JSON.stringify(config)` write HF JSON. */
  toJSON(): Record<string, unknown> {
    return this.toDict();
  }
}
