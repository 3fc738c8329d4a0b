import { ProblemList } from './config-error.js';
import { FieldReader, collectExtras, isJsonObject, mutableJsonCopy, toJsonObject } from './field-reader.js';
import { defaultsOf, field, fieldSpec, freshFields, knownKeys, readFields, storedFields } from './field-table.js';
import type { FieldSpec, FieldValues } from './field-table.js';
import { describeValue } from '../describe-value.js';
import type { JsonObject } from './field-reader.js';

/**
 * PIL's resampling filters by code, as stored in `preprocessor_config.json` (`PILImageResampling`). Every code
 * parses; the CLIPSeg checkpoints and the golden data use 2 (`bilinear`), so that is the filter an image pipeline
 * must implement exactly; which others it offers is up to the pipeline.
 */
export const PIL_RESAMPLE_NAMES = Object.freeze({
  0: 'nearest',
  1: 'lanczos',
  2: 'bilinear',
  3: 'bicubic',
  4: 'box',
  5: 'hamming',
} as const);

/** A PIL resampling code, 0–5 (see {@link PIL_RESAMPLE_NAMES}). */
export type PilResample = keyof typeof PIL_RESAMPLE_NAMES;

/** Name of a PIL resampling filter (see {@link PIL_RESAMPLE_NAMES}). */
export type PilResampleName = (typeof PIL_RESAMPLE_NAMES)[PilResample];

/** `image_processor_type` / `feature_extractor_type` values that mean a ViT image processor. */
export const VIT_IMAGE_PROCESSOR_TYPES = Object.freeze(['ViTImageProcessor', 'ViTImageProcessorFast', 'ViTFeatureExtractor'] as const);

/** Target size of the resize step, in pixels. */
export interface ImageSize {
  /** Rows. */
  readonly height: number;
  /** Columns. */
  readonly width: number;
}

/**
 * Most channels a preprocessor is built for. `image_mean` / `image_std` are expanded to one entry per channel, so
 * the count (which comes from `config.json`) is bounded before anything that size is allocated.
 */
export const MAX_IMAGE_CHANNELS = 1024;

/** Options of {@link ViTImageProcessorConfig.fromJSON}. */
export interface ViTImageProcessorOptions {
  /** Channels the model expects (`vision_config.num_channels`), 1 to {@link MAX_IMAGE_CHANNELS}; `image_mean`/`image_std` must have this length. Default 3. */
  readonly numChannels?: number;
}

const TYPE_KEYS = ['image_processor_type', 'feature_extractor_type'] as const;

/**
 * Largest side of a resize target a preprocessor config may ask for: 4096 × 4096 RGB float32 pixel values are
 * already 200 MB, and the vision tower's cost grows with the square of the side (CLIPSeg checkpoints use 352).
 */
export const MAX_IMAGE_SIDE = 4096;

/** `size`: an int, `[height, width]` or `{height, width}`, normalised to `{height, width}`; sides 1 … {@link MAX_IMAGE_SIDE}. */
function readSize(r: FieldReader, key: string, fallback: ImageSize): ImageSize {
  const value = r.record[key];
  const path = r.path(key);
  const positive = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && n <= MAX_IMAGE_SIDE;
  if (value === undefined) return { ...fallback };
  if (positive(value)) return { height: value, width: value };
  if (Array.isArray(value) && value.length === 2 && value.every(positive)) {
    return { height: value[0] as number, width: value[1] as number };
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort().join(',');
    if (keys === 'height,width') {
      if (positive(value.height) && positive(value.width)) return { height: value.height, width: value.width };
      r.problems.add(
        'CONFIG_INVALID_FIELD',
        path,
        `height and width must be integers from 1 to ${MAX_IMAGE_SIDE}, got ${describeValue(value.height)} and ${describeValue(value.width)}.`,
      );
      return { ...fallback };
    }
    if (['shortest_edge', 'longest_edge', 'max_height', 'max_width'].some((k) => k in value)) {
      r.problems.add(
        'CONFIG_UNSUPPORTED_VALUE',
        path,
        `{${keys}} is not a size a ViT image processor can resize to (HF's ViTImageProcessor needs {height, width}). Use {"height": 352, "width": 352} as the CLIPSeg checkpoints do.`,
      );
      return { ...fallback };
    }
  }
  r.problems.add(
    'CONFIG_INVALID_FIELD',
    path,
    `expected an integer from 1 to ${MAX_IMAGE_SIDE} or {"height": …, "width": …}, got ${describeValue(value)}. Use {"height": 352, "width": 352} as the CLIPSeg checkpoints do.`,
  );
  return { ...fallback };
}

function readChannelValues(r: FieldReader, key: string, fallback: readonly number[], channels: number, nonZero: boolean): number[] {
  const value = r.record[key];
  const path = r.path(key);
  if (value === undefined) {
    if (fallback.length === channels) return [...fallback];
    return Array.from({ length: channels }, () => fallback[0] ?? 0.5);
  }
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && (!nonZero || n !== 0);
  const what = nonZero ? 'finite non-zero numbers' : 'finite numbers';
  if (ok(value)) return Array.from({ length: channels }, () => value);
  if (!Array.isArray(value)) {
    r.problems.add('CONFIG_INVALID_FIELD', path, `expected an array of ${channels} ${what}, got ${describeValue(value)}.`);
    return [...fallback];
  }
  if (value.length !== channels) {
    r.problems.add(
      'CONFIG_INVALID_FIELD',
      path,
      `expected one entry per channel (${channels}), got ${value.length}. Give ${channels} values, e.g. ImageNet's ${key === 'image_std' ? '[0.229, 0.224, 0.225]' : '[0.485, 0.456, 0.406]'}.`,
    );
    return [...fallback];
  }
  let good = true;
  value.forEach((item: unknown, index) => {
    if (!ok(item)) {
      good = false;
      const hint = nonZero && item === 0 ? ' A zero standard deviation would divide by zero.' : '';
      r.problems.add('CONFIG_INVALID_FIELD', `${path}[${index}]`, `expected one of ${what}, got ${describeValue(item)}.${hint}`);
    }
  });
  return good ? (value as number[]).slice() : [...fallback];
}

/** `resample`: an integer that is a PIL resampling code. */
function readResample(r: FieldReader, key: string, fallback: PilResample): PilResample {
  const resample = r.int(key, fallback, 0);
  if (!r.problems.has(r.path(key)) && !(resample in PIL_RESAMPLE_NAMES)) {
    r.problems.add('CONFIG_INVALID_FIELD', r.path(key), `${resample} is not a PIL resampling code. Use 0–5 (CLIPSeg uses 2, bilinear).`);
  }
  return (resample in PIL_RESAMPLE_NAMES ? resample : fallback) as PilResample;
}

/** What the readers of {@link VIT_IMAGE_PROCESSOR_FIELDS} need besides the record. */
interface ReadContext {
  /** Channels the model expects: `image_mean` / `image_std` get one entry each. */
  readonly channels: number;
}

/** `image_mean` / `image_std`: one finite (for `image_std` non-zero) number per channel. */
const channelValues = (fallback: readonly number[], nonZero: boolean): FieldSpec<readonly number[], ReadContext> =>
  fieldSpec(fallback, (r, key, d, { channels }) => readChannelValues(r, key, d, channels, nonZero));

/**
 * The field table of {@link ViTImageProcessorConfig}, in HF's order: each entry's TSDoc documents the field, and the
 * fields type, the defaults, the reader and `toDict` derive from it.
 * @internal
 */
export const VIT_IMAGE_PROCESSOR_FIELDS = Object.freeze({
  /** Resize to `size` first. HF default true. */
  do_resize: field.bool(true),
  /** Resize target; an int `n` in the file means `{height: n, width: n}`. HF default 224 × 224. */
  size: fieldSpec<ImageSize>({ height: 224, width: 224 }, readSize),
  /** PIL filter code for the resize. HF default 2 (bilinear). */
  resample: fieldSpec<PilResample>(2, readResample),
  /** Multiply pixel values by `rescale_factor`. HF default true. */
  do_rescale: field.bool(true),
  /** Rescale factor, > 0. HF default 1/255. */
  rescale_factor: field.number(1 / 255, { minExclusive: 0 }),
  /** Subtract `image_mean`, divide by `image_std`, per channel. HF default true. */
  do_normalize: field.bool(true),
  /** Per-channel mean, one entry per channel. HF default [0.5, 0.5, 0.5] (CLIPSeg checkpoints: ImageNet's). */
  image_mean: channelValues([0.5, 0.5, 0.5], false),
  /** Per-channel standard deviation, non-zero, one entry per channel. HF default [0.5, 0.5, 0.5]. */
  image_std: channelValues([0.5, 0.5, 0.5], true),
  /** Convert to RGB first; `null` (HF's default) leaves it to the caller. */
  do_convert_rgb: field.boolOrNull(null),
});

/** The fields of a {@link ViTImageProcessorConfig}, snake_case as in HF's `preprocessor_config.json`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface (not an alias) whose members are the table's
export interface ViTImageProcessorFields extends FieldValues<typeof VIT_IMAGE_PROCESSOR_FIELDS> {}

/** HF's defaults for `ViTImageProcessor` (transformers' `image_processing_vit.py`). */
export const VIT_IMAGE_PROCESSOR_DEFAULTS: Readonly<ViTImageProcessorFields> = defaultsOf(VIT_IMAGE_PROCESSOR_FIELDS);

const KNOWN_KEYS: ReadonlySet<string> = knownKeys(VIT_IMAGE_PROCESSOR_FIELDS, ...TYPE_KEYS);

/** Reads and checks a preprocessor config, recording problems instead of throwing. */
function readPreprocessorConfig(
  record: JsonObject,
  channels: number,
  problems: ProblemList,
): { fields: ViTImageProcessorFields; types: Partial<Record<(typeof TYPE_KEYS)[number], string>>; extras: Readonly<JsonObject> } {
  const r = new FieldReader(record, '', problems);
  const types: Partial<Record<(typeof TYPE_KEYS)[number], string>> = {};
  for (const key of TYPE_KEYS) {
    const value = r.optionalString(key);
    if (value === undefined) continue;
    if (!(VIT_IMAGE_PROCESSOR_TYPES as readonly string[]).includes(value)) {
      problems.add(
        'CONFIG_UNSUPPORTED_VALUE',
        key,
        `${JSON.stringify(value)} is not a ViT image processor; CLIPSeg preprocessing is HF's ViTImageProcessor (${VIT_IMAGE_PROCESSOR_TYPES.join(', ')}). Use the checkpoint's own preprocessor_config.json.`,
      );
      continue;
    }
    types[key] = value;
  }
  // `resample` is read before the other fields, so its problems come first.
  const fields: ViTImageProcessorFields = readFields(VIT_IMAGE_PROCESSOR_FIELDS, r, { channels }, ['resample']);
  return { fields, types, extras: collectExtras(record, KNOWN_KEYS, problems) };
}

// The class's field properties come from the table: this merged interface declares them (with their TSDoc) and the
// constructor assigns every one of them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ViTImageProcessorConfig extends ViTImageProcessorFields {}

/**
 * HF's `preprocessor_config.json` for CLIPSeg: a `ViTImageProcessor` (resize to `size` with PIL filter
 * `resample`, rescale by `rescale_factor`, normalize with `image_mean`/`image_std`). Immutable; `size` is always
 * normalised to `{height, width}`. Members it does not model (`processor_class`, `crop_size` …) are kept in
 * `extras`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ViTImageProcessorConfig implements ViTImageProcessorFields {
  /** `image_processor_type` as given (a ViT type), or undefined when the file has none. */
  declare readonly image_processor_type: string | undefined;
  /** `feature_extractor_type` as given (a ViT type; older files), or undefined when the file has none. */
  declare readonly feature_extractor_type: string | undefined;
  /** Members of the file this class does not model, kept verbatim, frozen. */
  declare readonly extras: Readonly<Record<string, unknown>>;

  /**
   * Builds a preprocessor config from any subset of its HF fields (HF's defaults fill the rest). `size` may be
   * an int, `[height, width]` or `{height, width}`; `image_mean`/`image_std` a number (every channel) or an array.
   * @throws {@link ConfigError} listing every invalid field
   */
  constructor(init: Readonly<Record<string, unknown>> = {}, options: ViTImageProcessorOptions = {}) {
    const problems = new ProblemList();
    const channels = options.numChannels ?? 3;
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_IMAGE_CHANNELS) {
      problems.add(
        'CONFIG_INVALID_FIELD',
        'numChannels',
        `expected an integer from 1 to ${MAX_IMAGE_CHANNELS} (the model's vision_config.num_channels), got ${describeValue(channels)}. Use the config.json that belongs to the checkpoint.`,
      );
      problems.throwIfAny('preprocessor config');
    }
    const { fields, types, extras } = readPreprocessorConfig({ ...init }, channels, problems);
    problems.throwIfAny('preprocessor config');
    Object.assign(this, storedFields(VIT_IMAGE_PROCESSOR_FIELDS, fields));
    this.image_processor_type = types.image_processor_type;
    this.feature_extractor_type = types.feature_extractor_type;
    this.extras = extras;
  }

  /**
   * Parses HF's `preprocessor_config.json`: the file's text, or the object `JSON.parse` made of it.
   * @throws {@link ConfigError} `CONFIG_INVALID_JSON`, `CONFIG_NOT_AN_OBJECT`, `CONFIG_INVALID_FIELD` or
   *   `CONFIG_UNSUPPORTED_VALUE`
   */
  static fromJSON(json: string | unknown, options: ViTImageProcessorOptions = {}): ViTImageProcessorConfig {
    return new ViTImageProcessorConfig(toJsonObject(json, 'preprocessor config'), options);
  }

  /** Name of the resize filter, e.g. `bilinear` for code 2. */
  get resampleName(): PilResampleName {
    return PIL_RESAMPLE_NAMES[this.resample];
  }

  /** The modelled fields only, as fresh mutable values. */
  fields(): ViTImageProcessorFields {
    return freshFields(VIT_IMAGE_PROCESSOR_FIELDS, this);
  }

  /** The HF dict form: every field (`size` as `{height, width}`), the processor type keys present, the extras. */
  toDict(): Record<string, unknown> {
    const types: Record<string, string> = {};
    if (this.image_processor_type !== undefined) types.image_processor_type = this.image_processor_type;
    if (this.feature_extractor_type !== undefined) types.feature_extractor_type = this.feature_extractor_type;
    return { ...this.fields(), ...types, ...mutableJsonCopy(this.extras) };
  }

  /** Same as {@link ViTImageProcessorConfig.toDict}; lets `JSON.stringify(config)` write HF JSON. */
  toJSON(): Record<string, unknown> {
    return this.toDict();
  }
}
