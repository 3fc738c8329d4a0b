import { CLIPSegError } from '../errors.js';

/**
 * Stable codes of {@link ConfigError}.
 *
 * - `CONFIG_INVALID_JSON`: the text is not JSON at all.
 * - `CONFIG_NOT_AN_OBJECT`: the JSON document is not an object (`{…}`).
 * - `CONFIG_WRONG_MODEL_TYPE`: `model_type` names another model (or another part of CLIPSeg).
 * - `CONFIG_INVALID_FIELD`: one field has the wrong JSON type or is outside its own range
 *   (a string where a number belongs, a fractional or non-positive size, `layer_norm_eps ≤ 0` …).
 * - `CONFIG_INCONSISTENT_FIELDS`: each field is fine alone but they disagree (a hidden size not divisible by
 *   the head count, `extract_layers` beyond the vision encoder's depth, `image_size` not a multiple of `patch_size` …).
 * - `CONFIG_UNSUPPORTED_VALUE`: the value is well formed but this toolkit cannot run it (an unknown activation,
 *   a `size` of `{shortest_edge}` for a ViT image processor, a non-ViT image processor type …).
 * - `CONFIG_UNKNOWN_PRESET`: `clipsegPreset` was given a name it does not know.
 */
export type ConfigErrorCode =
  | 'CONFIG_INVALID_JSON'
  | 'CONFIG_NOT_AN_OBJECT'
  | 'CONFIG_WRONG_MODEL_TYPE'
  | 'CONFIG_INVALID_FIELD'
  | 'CONFIG_INCONSISTENT_FIELDS'
  | 'CONFIG_UNSUPPORTED_VALUE'
  | 'CONFIG_UNKNOWN_PRESET';

/** One thing wrong with a config; {@link ConfigError} carries all of them in `details.problems`. */
export interface ConfigProblem {
  /** Stable code of this problem. */
  readonly code: ConfigErrorCode;
  /**
   * Dotted path of the field in the HF JSON, for example `vision_config.num_attention_heads` or
   * `extract_layers[1]`; `''` for the document itself.
   */
  readonly path: string;
  /** What is wrong and what to do about it, starting with the path. */
  readonly message: string;
}

/**
 * A HuggingFace `config.json` or `preprocessor_config.json` is malformed, inconsistent or unsupported.
 *
 * `code` and `path` are those of the first problem found; `problems` (also `details.problems`) lists every
 * problem found in one pass, in field order.
 */
export class ConfigError extends CLIPSegError<ConfigErrorCode> {
  /** Dotted path of the first offending field (`''` for the whole document). */
  readonly path: string;
  /** Every problem found, the first one being the one this error's `code` and message describe. */
  readonly problems: readonly ConfigProblem[];

  /**
   * @param problems - at least one problem; the first sets `code`, `path` and the message
   * @param what - what was being read, for example `CLIPSeg config`
   * @param cause - the underlying error, if any (for example a `SyntaxError` from `JSON.parse`)
   */
  constructor(problems: readonly ConfigProblem[], what: string, cause?: unknown) {
    const first = problems[0] ?? {
      code: 'CONFIG_INVALID_FIELD' as const,
      path: '',
      message: 'unknown configuration problem',
    };
    const more = problems.length - 1;
    const suffix = more > 0 ? ` (${more} more problem${more === 1 ? '' : 's'} in details.problems)` : '';
    const frozen = Object.freeze(problems.length > 0 ? problems.map((p) => Object.freeze({ ...p })) : [first]);
    super(first.code, `Invalid ${what}: ${first.message}${suffix}`, {
      cause,
      details: { path: first.path, problems: frozen },
    });
    this.path = first.path;
    this.problems = frozen;
  }
}

/**
 * Collects {@link ConfigProblem}s while a config is read, so that one error can report all of them.
 * @internal
 */
export class ProblemList {
  /** Problems found so far, in order. */
  readonly items: ConfigProblem[] = [];

  /** Records a problem at `path`; the message is prefixed with the path. */
  add(code: ConfigErrorCode, path: string, message: string): void {
    this.items.push({ code, path, message: path === '' ? message : `${path}: ${message}` });
  }

  /** True when no problem was recorded. */
  get ok(): boolean {
    return this.items.length === 0;
  }

  /** True when a problem was recorded at `path` (or below it). */
  has(path: string): boolean {
    return this.items.some((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
  }

  /** Throws a {@link ConfigError} naming `what` when any problem was recorded. */
  throwIfAny(what: string): void {
    if (this.items.length > 0) throw new ConfigError(this.items, what);
  }
}

/** Joins a parent path and a key into a dotted path. @internal */
export function joinPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
