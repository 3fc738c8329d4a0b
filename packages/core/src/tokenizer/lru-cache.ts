/**
 * A bounded least-recently-used map. `capacity` 0 disables it (every `get`
 * misses, `set` stores nothing).
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  /** Largest number of entries kept. */
  readonly capacity: number;

  /** @param capacity - largest number of entries kept (a non-negative integer) */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Entries held now. */
  get size(): number {
    return this.#map.size;
  }

  /** The value for `key`, marking it most recently used; `undefined` on a miss. */
  get(key: K): V | undefined {
    const map = this.#map;
    const value = map.get(key);
    if (value !== undefined) {
      map.delete(key);
      map.set(key, value);
    }
    return value;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    const map = this.#map;
    if (map.has(key)) map.delete(key);
    else if (map.size >= this.capacity) map.delete(map.keys().next().value as K);
    map.set(key, value);
  }

  /** Drops every entry. */
  clear(): void {
    this.#map.clear();
  }
}
