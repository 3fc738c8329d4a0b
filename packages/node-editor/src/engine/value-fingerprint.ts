/**
 * Identities of values for the executor's memo: objects get a number the first time they are seen (held weakly),
 * primitives are their JSON. Two fingerprints are equal exactly when the values are the same objects or equal
 * primitives.
 */
export class ValueFingerprints {
  readonly #ids = new WeakMap<object, number>();
  #next = 1;

  /** The identity of one value. */
  of(value: unknown): string {
    if (typeof value === 'object' && value !== null) {
      let id = this.#ids.get(value);
      if (id === undefined) {
        id = this.#next++;
        this.#ids.set(value, id);
      }
      return `#${id}`;
    }
    return value === undefined ? 'u' : JSON.stringify(value);
  }
}
