/**
 * Inert JavaScript stand-ins for the Python values a restricted pickle can
 * hold. Nothing here refers to executable code: a global is a name plus a
 * descriptor from the allow-list, and objects built by allow-listed callables
 * are plain data ({@link PyHostObject}).
 *
 * Mapping: `None` → `null`; `bool` → `boolean`; `int` → `number` when it is a
 * safe integer, else `bigint`; `float` → {@link PyFloat} (so that `2.0` is not
 * mistaken for the integer `2`); `str` → `string`; `bytes` → `Uint8Array`;
 * tuple, list and dict → {@link PyTuple}, {@link PyList}, {@link PyDict}.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyFloat
  | PyTuple
  | PyList
  | PyDict
  | PyGlobal
  | PyHostObject;

/** The dict key types this reader accepts (Python's hashable scalars). */
export type PyKey = null | boolean | number | bigint | string;

/** A Python `float`. */
export class PyFloat {
  /** @param value - the double value */
  constructor(readonly value: number) {}
}

/** Containers record how deeply they nest, so a limit can be enforced without recursion. */
interface Nested {
  /** 1 + the depth of the deepest container inside, counted when items were added. */
  depth: number;
}

/** Nesting depth of a value: 0 for scalars, the recorded depth for containers. */
export function depthOf(value: PyValue): number {
  return value instanceof PyTuple || value instanceof PyList || value instanceof PyDict ? value.depth : 0;
}

/** A Python `tuple` (immutable). */
export class PyTuple implements Nested {
  /** Nesting depth (1 for a tuple of scalars). */
  readonly depth: number;
  /** @param items - the elements */
  constructor(readonly items: readonly PyValue[]) {
    let deepest = 0;
    for (const item of items) deepest = Math.max(deepest, depthOf(item));
    this.depth = deepest + 1;
  }
}

/** A Python `list`. */
export class PyList implements Nested {
  /** The elements. */
  readonly items: PyValue[] = [];
  /** Nesting depth, updated as items are appended. */
  depth = 1;
}

/** A Python `dict` or `collections.OrderedDict` (insertion order is kept either way). */
export class PyDict implements Nested {
  /** Key → value, in insertion order. */
  readonly entries = new Map<PyKey, PyValue>();
  /** Nesting depth, updated as items are set. */
  depth = 1;
  /**
   * Attributes set by BUILD (e.g. the `_metadata` of a torch state dict),
   * kept as data and otherwise ignored.
   */
  attributes: ReadonlyMap<string, PyValue> | undefined;
  /** @param ordered - true for `collections.OrderedDict` */
  constructor(readonly ordered: boolean) {}
}

/** A reference to an allow-listed Python global, e.g. `torch.FloatStorage`. */
export class PyGlobal {
  /**
   * @param module - Python module, e.g. `torch._utils`
   * @param name - attribute name, e.g. `_rebuild_tensor_v2`
   * @param descriptor - what the allow-list says this global is
   */
  constructor(
    readonly module: string,
    readonly name: string,
    readonly descriptor: GlobalDescriptor,
  ) {}

  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * A value built by the host (an allow-listed callable or the persistent-id
 * resolver), e.g. a storage reference or a validated tensor record. `type`
 * tells what `payload` is.
 */
export class PyHostObject<T = unknown> {
  /**
   * @param type - what the object is, e.g. `torch.storage` or `torch.Tensor`
   * @param payload - the host's data
   */
  constructor(
    readonly type: string,
    readonly payload: T,
  ) {}
}

/**
 * What an allow-listed global is, as far as the unpickler is concerned. No
 * descriptor holds Python code; `call` and `construct` are host functions
 * that validate their arguments and return inert data.
 *
 * - `callable`: may be applied by REDUCE (`call`).
 * - `class`: may be instantiated by REDUCE or NEWOBJ (`construct`), and its
 *   instances may receive BUILD when `build` is given.
 * - `marker`: only passed around as a value (storage types such as
 *   `torch.FloatStorage`); REDUCE on it is refused.
 */
export type GlobalDescriptor =
  | { readonly kind: 'callable'; readonly call: (args: PyTuple) => PyValue }
  | { readonly kind: 'class'; readonly construct: (args: PyTuple) => PyValue; readonly build?: (target: PyValue, state: PyValue) => void }
  | { readonly kind: 'marker'; readonly tag: string };

/**
 * A short, bounded description of a value for error messages (never
 * recursive beyond one level, never long).
 *
 * @param value - any pickle value
 */
export function describePyValue(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return `int ${String(value)}`;
  if (typeof value === 'bigint') {
    const digits = String(value);
    return `int ${digits.length > 24 ? `of ${String(digits.length)} digits` : digits}`;
  }
  if (typeof value === 'string') return `str ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value instanceof Uint8Array) return `bytes of length ${String(value.length)}`;
  if (value instanceof PyFloat) return `float ${String(value.value)}`;
  if (value instanceof PyTuple) return `tuple of length ${String(value.items.length)}`;
  if (value instanceof PyList) return `list of length ${String(value.items.length)}`;
  if (value instanceof PyDict) return `${value.ordered ? 'OrderedDict' : 'dict'} of size ${String(value.entries.size)}`;
  if (value instanceof PyGlobal) return `global ${value.qualifiedName}`;
  return `${value.type} object`;
}
