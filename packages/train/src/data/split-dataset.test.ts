import { describe, expect, it } from 'vitest';
import { splitDataset } from './split-dataset.js';

const items = Array.from({ length: 300 }, (_, i) => ({ image: `img-${Math.floor(i / 3)}.png`, prompt: `p${i % 3}` }));

describe('splitDataset', () => {
  it('keeps all items of an image on one side and holds out the asked share of images', () => {
    const { train, validation } = splitDataset(items, { validationFraction: 0.2, seed: 7 });
    expect(train.length + validation.length).toBe(items.length);
    const trainImages = new Set(train.map((i) => i.image));
    const validationImages = new Set(validation.map((i) => i.image));
    expect(validationImages.size).toBe(20);
    expect([...validationImages].filter((image) => trainImages.has(image))).toEqual([]);
    expect(validation).toHaveLength(60);
  });

  it('is reproducible for a seed, independent of item order, and differs across seeds', () => {
    const a = splitDataset(items, { validationFraction: 0.25, seed: 1 });
    const b = splitDataset([...items].reverse(), { validationFraction: 0.25, seed: 1 });
    const names = (list: { image: string }[]): string[] => [...new Set(list.map((i) => i.image))].sort();
    expect(names(b.validation)).toEqual(names(a.validation));
    const c = splitDataset(items, { validationFraction: 0.25, seed: 2 });
    expect(names(c.validation)).not.toEqual(names(a.validation));
    expect(a.validation.map((i) => items.indexOf(i))).toEqual([...a.validation.map((i) => items.indexOf(i))].sort((x, y) => x - y));
  });

  it('holds out at least one image and never all of them', () => {
    const two = [{ image: 'a' }, { image: 'b' }];
    expect(splitDataset(two, { validationFraction: 0.01 }).validation).toHaveLength(1);
    expect(splitDataset(two, { validationFraction: 0.99 }).train).toHaveLength(1);
    expect(splitDataset(two, { validationFraction: 0 }).validation).toHaveLength(0);
    expect(splitDataset(two, { validationFraction: 1 }).train).toHaveLength(0);
    expect(splitDataset([], { validationFraction: 0.5 })).toEqual({ train: [], validation: [] });
  });

  it('refuses a fraction outside [0, 1] and a non-integer seed', () => {
    expect(() => splitDataset(items, { validationFraction: 1.5 })).toThrow(expect.objectContaining({ code: 'TRAIN_DATA_INVALID_ARGUMENT' }));
    expect(() => splitDataset(items, { validationFraction: Number.NaN })).toThrow(/validationFraction/);
    expect(() => splitDataset(items, { validationFraction: 0.1, seed: 0.5 })).toThrow(/seed/);
  });
});
