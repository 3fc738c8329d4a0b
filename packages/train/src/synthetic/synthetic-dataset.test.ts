import { describe, expect, it } from 'vitest';
import { TrainDataError } from '../data/train-data-error.js';
import { syntheticDataset, syntheticItem, syntheticPromptCorpus } from './synthetic-dataset.js';

describe('syntheticDataset', () => {
  it('yields item i equal to syntheticItem(seed, i), scenes shared by promptsPerScene items', () => {
    const options = { width: 64, promptsPerScene: 3, negativeRate: 0.3 };
    const items = [...syntheticDataset(5, 10, options)];
    expect(items).toHaveLength(10);
    items.forEach((item, i) => {
      const alone = syntheticItem(5, i, options);
      expect(alone.prompt).toBe(item.prompt);
      expect(alone.image.data).toEqual(item.image.data);
      expect(alone.mask.data).toEqual(item.mask.data);
      expect(item.sceneIndex).toBe(Math.floor(i / 3));
    });
    expect(items[1]!.image).toBe(items[0]!.image);
    expect(items[3]!.image.data).not.toEqual(items[0]!.image.data);
    expect(new Set(items.slice(0, 3).map((item) => item.prompt)).size).toBeGreaterThan(1);
    expect([...syntheticDataset(6, 3, options)].map((item) => item.prompt)).not.toEqual(items.slice(0, 3).map((item) => item.prompt));
  });

  it('draws negatives at about negativeRate, with empty masks', () => {
    const items = [...syntheticDataset(1, 400, { width: 32, negativeRate: 0.5 })];
    const negatives = items.filter((item) => item.negative);
    expect(negatives.length).toBeGreaterThan(140);
    expect(negatives.length).toBeLessThan(260);
    for (const item of negatives) expect(item.mask.data.every((v) => v === 0)).toBe(true);
    for (const item of items.filter((i) => !i.negative)) expect(item.mask.data.some((v) => v === 1)).toBe(true);
    expect([...syntheticDataset(1, 50, { width: 32, negativeRate: 0 })].some((item) => item.negative)).toBe(false);
  });

  it('gives a prompt corpus', () => {
    const corpus = syntheticPromptCorpus(2, 200);
    expect(corpus).toHaveLength(200);
    expect(new Set(corpus).size).toBeGreaterThan(100);
  });

  it('rejects bad arguments', () => {
    expect(() => syntheticDataset(-1, 3)).toThrow(TrainDataError);
    expect(() => syntheticDataset(1, 1.5)).toThrow(TrainDataError);
    expect(() => syntheticDataset(1, 3, { negativeRate: 2 })).toThrow(/negativeRate/);
    expect(() => syntheticItem(1, 0, { promptsPerScene: 0 })).toThrow(/promptsPerScene/);
  });
});
