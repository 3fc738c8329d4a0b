import { pickleInvalid as invalid, pickleLimit as limit } from './pickle-limits.js';
import type { UnpicklerLimits } from './pickle-limits.js';
import { PyDict, PyFloat, PyList, PyTuple, depthOf, describePyValue } from './pickle-values.js';
import type { PyKey, PyValue } from './pickle-values.js';

/**
 * The unpickler's data: the stack, the MARK metastack and the memo, with
 * every size and nesting limit enforced as values are added. Containers are
 * only ever built here, so their recorded depth is always checked.
 */
export class PickleStack {
  readonly #limits: UnpicklerLimits;
  readonly #position: () => number;
  #stack: PyValue[] = [];
  readonly #metastack: PyValue[][] = [];
  /** Values held by the metastack (frozen stacks below the current MARK). */
  #frozen = 0;
  readonly #memo = new Map<number, PyValue>();
  #objects = 0;

  /**
   * @param limits - resource limits
   * @param position - current pickle offset, for messages
   */
  constructor(limits: UnpicklerLimits, position: () => number) {
    this.#limits = limits;
    this.#position = position;
  }

  #room(): void {
    if (this.#stack.length + this.#frozen >= this.#limits.maxStackSize) {
      throw limit('TORCH_PICKLE_LIMIT_EXCEEDED', `the stack exceeds maxStackSize ${String(this.#limits.maxStackSize)}`, this.#position());
    }
  }

  /** Pushes a newly created value (counted against `maxObjects`). */
  push(value: PyValue): void {
    this.#room();
    if (++this.#objects > this.#limits.maxObjects) {
      throw limit('TORCH_PICKLE_LIMIT_EXCEEDED', `the pickle creates more than maxObjects ${String(this.#limits.maxObjects)} values`, this.#position());
    }
    this.#stack.push(value);
  }

  /** Pops the top value; `what` names the opcode for messages. */
  pop(what: string): PyValue {
    if (this.#stack.length === 0) throw invalid(`${what} at offset ${String(this.#position() - 1)} found too few values on the stack.`);
    return this.#stack.pop()!;
  }

  /** Pops the top `n` values, oldest first. */
  popN(n: number, what: string): PyValue[] {
    if (this.#stack.length < n) throw invalid(`${what} needs ${String(n)} values on the stack.`);
    return this.#stack.splice(this.#stack.length - n, n);
  }

  /** The top value, left in place. */
  top(what: string): PyValue {
    if (this.#stack.length === 0) throw invalid(`${what} at offset ${String(this.#position() - 1)} found an empty stack.`);
    return this.#stack[this.#stack.length - 1]!;
  }

  /** The top value, which must be a list. */
  topList(what: string): PyList {
    const top = this.top(what);
    if (!(top instanceof PyList)) throw invalid(`${what} applies to ${describePyValue(top)}, not a list.`);
    return top;
  }

  /** The top value, which must be a dict. */
  topDict(what: string): PyDict {
    const top = this.top(what);
    if (!(top instanceof PyDict)) throw invalid(`${what} applies to ${describePyValue(top)}, not a dict.`);
    return top;
  }

  /** MARK: starts a new stack level (refused beyond `maxDepth`). */
  mark(): void {
    if (this.#metastack.length >= this.#limits.maxDepth) {
      throw limit('TORCH_PICKLE_TOO_DEEP', `MARK nesting exceeds maxDepth ${String(this.#limits.maxDepth)}`, this.#position() - 1);
    }
    this.#metastack.push(this.#stack);
    this.#frozen += this.#stack.length;
    this.#stack = [];
  }

  /** Ends the current stack level and returns its values. */
  popMark(what: string): PyValue[] {
    const below = this.#metastack.pop();
    if (below === undefined) throw invalid(`${what} at offset ${String(this.#position() - 1)} has no matching MARK.`);
    const items = this.#stack;
    this.#stack = below;
    this.#frozen -= below.length;
    return items;
  }

  /** POP: drops the top value, or the current stack level when it is empty (as CPython does). */
  discard(): void {
    if (this.#stack.length > 0) this.#stack.pop();
    else this.popMark('POP');
  }

  /** STOP: the single value left, with no open MARK. */
  finish(): PyValue {
    const result = this.pop('STOP');
    if (this.#stack.length !== 0 || this.#metastack.length !== 0) {
      throw invalid(`STOP left ${String(this.#stack.length + this.#frozen)} values and ${String(this.#metastack.length)} open MARKs behind.`);
    }
    return result;
  }

  #checkDepth(depth: number): void {
    if (depth > this.#limits.maxDepth) {
      throw limit('TORCH_PICKLE_TOO_DEEP', `containers nest deeper than maxDepth ${String(this.#limits.maxDepth)}`, this.#position());
    }
  }

  /** A tuple of `items`, depth-checked. */
  tuple(items: PyValue[]): PyTuple {
    const tuple = new PyTuple(items);
    this.#checkDepth(tuple.depth);
    return tuple;
  }

  /** Appends `item` to `list`, depth-checked. */
  append(list: PyList, item: PyValue): void {
    list.depth = Math.max(list.depth, depthOf(item) + 1);
    this.#checkDepth(list.depth);
    list.items.push(item);
  }

  /** Sets alternating key/value `items` in `dict`, depth-checked. */
  setItems(dict: PyDict, items: PyValue[], what: string): void {
    if (items.length % 2 !== 0) throw invalid(`${what} has an odd number of values (${String(items.length)}) for key/value pairs.`);
    for (let i = 0; i < items.length; i += 2) {
      const key = toKey(items[i]!, what);
      const value = items[i + 1]!;
      dict.depth = Math.max(dict.depth, depthOf(value) + 1);
      this.#checkDepth(dict.depth);
      dict.entries.set(key, value);
    }
  }

  /** PUT: stores the top value in the memo. */
  put(index: number): void {
    const value = this.top('PUT');
    if (!this.#memo.has(index) && this.#memo.size >= this.#limits.maxMemoSize) {
      throw limit('TORCH_PICKLE_LIMIT_EXCEEDED', `the memo exceeds maxMemoSize ${String(this.#limits.maxMemoSize)}`, this.#position());
    }
    this.#memo.set(index, value);
  }

  /** MEMOIZE: stores the top value at the next memo index. */
  memoize(): void {
    this.put(this.#memo.size);
  }

  /** GET: pushes a memoized value again (not counted as a new object). */
  get(index: number): void {
    if (!this.#memo.has(index)) throw invalid(`memo entry ${String(index)} is read before it is written (offset ${String(this.#position())}).`);
    this.#room();
    this.#stack.push(this.#memo.get(index)!);
  }
}

function toKey(value: PyValue, what: string): PyKey {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof PyFloat) return value.value;
  throw invalid(`${what} uses ${describePyValue(value)} as a dict key; only None, bool, int, float and str keys are accepted.`);
}
