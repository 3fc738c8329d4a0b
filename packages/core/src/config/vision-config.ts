import { subConfigRecord } from './sub-config.js';
import { ProblemList } from './config-error.js';
import { FieldReader, collectExtras, mutableJsonCopy } from './field-reader.js';
import { defaultsOf, field, freshFields, knownKeys, readFields, storedFields } from './field-table.js';
import type { FieldValues } from './field-table.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';

/** HF `model_type` of a CLIPSeg vision tower config. */
export const CLIPSEG_VISION_MODEL_TYPE = 'clipseg_vision_model';

/**
 * The field table of {@link CLIPSegVisionConfig}, in HF's order: each entry's TSDoc documents the field, and the
 * fields type, the defaults, the reader and `toDict` derive from it.
 * @internal
 */
export const CLIPSEG_VISION_CONFIG_FIELDS = Object.freeze({
  /** Width of the vision transformer. HF default 768. */
  hidden_size: field.int(768),
  /** Width of the MLP inside each layer. HF default 3072. */
  intermediate_size: field.int(3072),
  /** Number of transformer layers; bounds `extract_layers`. HF default 12. */
  num_hidden_layers: field.int(12),
  /** Attention heads per layer; must divide `hidden_size`. HF default 12. */
  num_attention_heads: field.int(12),
  /** Input image channels. HF default 3. */
  num_channels: field.int(3),
  /** Side of the square image the position embeddings were trained for. HF default 224. */
  image_size: field.int(224),
  /** Side of one square patch; must divide `image_size`. HF default 32 (the CIDAS checkpoints use 16). */
  patch_size: field.int(32),
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
});

/** The fields of a {@link CLIPSegVisionConfig}, snake_case as in HF's `config.json`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface (not an alias) whose members are the table's
export interface CLIPSegVisionConfigFields extends FieldValues<typeof CLIPSEG_VISION_CONFIG_FIELDS> {}

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
export const CLIPSEG_VISION_CONFIG_DEFAULTS: Readonly<CLIPSegVisionConfigFields> = defaultsOf(CLIPSEG_VISION_CONFIG_FIELDS);

const KNOWN_KEYS: ReadonlySet<string> = knownKeys(CLIPSEG_VISION_CONFIG_FIELDS, 'model_type');

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
  const modelType = record.model_type;
  if (modelType !== undefined && modelType !== CLIPSEG_VISION_MODEL_TYPE) {
    problems.add(
      'CONFIG_WRONG_MODEL_TYPE',
      r.path('model_type'),
      `expected "${CLIPSEG_VISION_MODEL_TYPE}", got ${describeValue(modelType)}. This is not a CLIPSeg vision config; load the config that belongs to a CLIPSeg checkpoint.`,
    );
  }
  const fields: CLIPSegVisionConfigFields = readFields(CLIPSEG_VISION_CONFIG_FIELDS, r, undefined);
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

// The class's field properties come from the table: this merged interface declares them (with their TSDoc) and the
// constructor assigns every one of them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface CLIPSegVisionConfig extends CLIPSegVisionConfigFields {}

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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CLIPSegVisionConfig implements CLIPSegVisionConfigFields {
  /** HF `model_type` of this config class. */
  static readonly MODEL_TYPE = CLIPSEG_VISION_MODEL_TYPE;

  /** Always `clipseg_vision_model`. */
  readonly model_type = CLIPSEG_VISION_MODEL_TYPE;
  /** Members of the HF dict this class does not model, kept verbatim, frozen. */
  declare readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a vision config from any subset of its fields; HF's defaults fill the rest.
   * @throws {@link ConfigError} listing every invalid field
   */
  constructor(init: CLIPSegVisionConfigInit = {}) {
    const problems = new ProblemList();
    const { fields, extras } = readVisionConfig(init, '', problems);
    problems.throwIfAny('CLIPSeg vision config');
    Object.assign(this, storedFields(CLIPSEG_VISION_CONFIG_FIELDS, fields));
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
    return freshFields(CLIPSEG_VISION_CONFIG_FIELDS, this);
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
