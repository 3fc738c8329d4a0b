import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(2)).not.toEqual(draw(1));
  });

  it('draws integers in range, about uniformly', () => {
    const r = new SeededRandom(5);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const k = r.nextInt(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
      counts[k]!++;
    }
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('shuffles to a permutation, the same one for the same seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = new SeededRandom(3).shuffle([...items]);
    expect([...once].sort((x, y) => x - y)).toEqual(items);
    expect(once).not.toEqual(items);
    expect(new SeededRandom(3).shuffle([...items])).toEqual(once);
  });
});
