import { describe, expect, it } from 'vitest';
import { hash53, SeededRandom } from './seeded-random.js';

describe('hash53', () => {
  it('is a stable 53-bit hash that depends on the seed', () => {
    expect(hash53('a')).toBe(hash53('a'));
    expect(hash53('a', 1)).not.toBe(hash53('a', 2));
    expect(hash53('a', 2 ** 40)).not.toBe(hash53('a', 0));
    expect(hash53('cat', 7)).toBeLessThan(2 ** 53);
    expect(hash53('cat', 7)).toBe(hash53('cat', 7));
  });
});

describe('SeededRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    const c = new SeededRandom(2);
    const sa = Array.from({ length: 8 }, () => a.uint32());
    expect(Array.from({ length: 8 }, () => b.uint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.uint32())).not.toEqual(sa);
  });

  it('gives uniform-looking floats and ints in range', () => {
    const r = new SeededRandom('x');
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const v = r.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      counts[r.int(10)]++;
    }
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('shuffles to a permutation, the same one for the same seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s1 = new SeededRandom(3).shuffle([...items]);
    expect([...s1].sort((x, y) => x - y)).toEqual(items);
    expect(s1).not.toEqual(items);
    expect(new SeededRandom(3).shuffle([...items])).toEqual(s1);
  });
});
