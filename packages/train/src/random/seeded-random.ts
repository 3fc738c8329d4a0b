/**
 * Seeded randomness for training: a string hash and a small generator, so that shuffles, negatives, splits and
 * synthetic data are the same for the same seed on every runtime.
 *
 * @module
 */

/**
 * cyrb53 (public domain, bryc): a 53-bit hash of `text` with an integer `seed` (any safe integer; both 32-bit
 * halves are mixed in).
 */
export function hash53(text: string, seed = 0): number {
  const low = seed % 2 ** 32;
  const high = Math.floor(seed / 2 ** 32);
  let h1 = 0xdeadbeef ^ low;
  let h2 = 0x41c6ce57 ^ low ^ high;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * A seeded generator (mulberry32: 32 bits of state, period 2³²), plenty for shuffles and coin flips. The same seed
 * gives the same sequence everywhere.
 */
export class SeededRandom {
  private state: number;

  /** @param seed - any safe integer, or a string (hashed with {@link hash53}) */
  constructor(seed: number | string) {
    this.state = (typeof seed === 'string' ? hash53(seed) : hash53(String(seed))) >>> 0;
  }

  /** A random 32-bit unsigned integer. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A random number in [0, 1) (32 bits of randomness). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A random integer in [0, n) for `n` ≥ 1 (n < 2³²). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle of `items` in place; returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}
