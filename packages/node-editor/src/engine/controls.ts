/** A rectangle in image pixels, as a Box control stores it. */
export interface BoxValue {
  /** Left edge. */
  readonly x: number;
  /** Top edge. */
  readonly y: number;
  /** Width, > 0. */
  readonly width: number;
  /** Height, > 0. */
  readonly height: number;
}

/** A control's value as stored in a workflow file: plain JSON. */
export type ControlValue = string | number | boolean | null | readonly number[] | BoxValue;

/** The control values of one node, by control key. */
export type ControlValues = Readonly<Record<string, ControlValue>>;

interface ControlBase<K extends string, V extends ControlValue> {
  /** Kind of control (how it is edited and validated). */
  readonly kind: K;
  /** Key in the node's `controls` object. */
  readonly key: string;
  /** Label shown in the editor. */
  readonly label: string;
  /** Value of a new node, and of a workflow node that omits this control. */
  readonly default: V;
}

/** A string; `multiline` asks for a text area. */
export interface TextControlSpec extends ControlBase<'text', string> {
  /** Edited in a text area. */
  readonly multiline?: boolean;
}

/** A finite number within `[min, max]`, an integer when `integer` is set. */
export interface NumberControlSpec extends ControlBase<'number', number> {
  /** Smallest accepted value. */
  readonly min?: number;
  /** Largest accepted value. */
  readonly max?: number;
  /** Increment of the editor's field. */
  readonly step?: number;
  /** Only integers are accepted. */
  readonly integer?: boolean;
}

/** One string of a fixed list. */
export interface SelectControlSpec extends ControlBase<'select', string> {
  /** The accepted values, in display order. */
  readonly options: readonly string[];
}

/** A boolean. */
export type BooleanControlSpec = ControlBase<'boolean', boolean>;

/** Where an Image node's image comes from: a URL, a `data:` URL (a dropped or picked file), or a file path (headless). */
export type ImageSourceControlSpec = ControlBase<'image-source', string>;

/** A list of finite numbers (a pasted or loaded embedding); empty when unset. */
export type VectorControlSpec = ControlBase<'vector', readonly number[]>;

/** An optional {@link BoxValue} (`null` when unset). */
export type BoxControlSpec = ControlBase<'box', BoxValue | null>;

/** The name of a CLIPSeg bundle the host provides (see `WorkflowServices.bundles`). */
export type BundleControlSpec = ControlBase<'bundle', string>;

/** Every kind of control a node may declare. */
export type ControlSpec =
  | TextControlSpec
  | NumberControlSpec
  | SelectControlSpec
  | BooleanControlSpec
  | ImageSourceControlSpec
  | VectorControlSpec
  | BoxControlSpec
  | BundleControlSpec;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks one control value against its spec.
 *
 * @returns `undefined` when the value is acceptable, else what is wrong with it (one sentence)
 */
export function checkControlValue(spec: ControlSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'text':
    case 'image-source':
    case 'bundle':
      return typeof value === 'string' ? undefined : `must be a string, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${describe(value)}`;
    case 'select':
      return typeof value === 'string' && spec.options.includes(value) ? undefined : `must be one of ${spec.options.join(', ')}, got ${describe(value)}`;
    case 'number': {
      if (!isFiniteNumber(value)) return `must be a finite number, got ${describe(value)}`;
      if (spec.integer && !Number.isInteger(value)) return `must be an integer, got ${value}`;
      if (spec.min !== undefined && value < spec.min) return `must be ≥ ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be ≤ ${spec.max}, got ${value}`;
      return undefined;
    }
    case 'vector':
      if (!Array.isArray(value)) return `must be an array of numbers, got ${describe(value)}`;
      for (let i = 0; i < value.length; i++) if (!isFiniteNumber(value[i])) return `[${i}] must be a finite number, got ${describe(value[i])}`;
      return undefined;
    case 'box': {
      if (value === null) return undefined;
      if (typeof value !== 'object' || Array.isArray(value)) return `must be null or { x, y, width, height }, got ${describe(value)}`;
      const box = value as Record<string, unknown>;
      for (const key of ['x', 'y', 'width', 'height']) {
        const v = box[key];
        if (!isFiniteNumber(v) || ((key === 'width' || key === 'height') && v <= 0)) return `.${key} must be a finite number${key === 'x' || key === 'y' ? '' : ' > 0'}, got ${describe(v)}`;
      }
      const extra = Object.keys(box).filter((k) => !['x', 'y', 'width', 'height'].includes(k));
      return extra.length > 0 ? `has unknown key(s) ${extra.join(', ')}` : undefined;
    }
  }
}

/** A short description of a JSON-ish value, for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

/** The default value of every control of `specs`, by key. */
export function defaultControls(specs: readonly ControlSpec[]): Record<string, ControlValue> {
  return Object.fromEntries(specs.map((s) => [s.key, s.default]));
}
