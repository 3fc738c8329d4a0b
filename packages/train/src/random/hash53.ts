/**
 * The string hash of seeded training choices (dataset splits, per-epoch seeds). The generator itself is
 * `@clipseg/convert`'s `SeededRandom`.
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
