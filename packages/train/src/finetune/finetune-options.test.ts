import { describe, expect, it } from 'vitest';
import { FINETUNE_DEFAULTS, resolveFinetuneOptions } from './finetune-options.js';

describe('resolveFinetuneOptions', () => {
  it('fills in the paper recipe', () => {
    expect(resolveFinetuneOptions()).toEqual({ epochs: 10, batchSize: 64, learningRate: 1e-3, finalLearningRate: 1e-4, weightDecay: 0.01, negativeRate: 0.2, seed: 0, microBatchSize: 16 });
    expect(resolveFinetuneOptions({ epochs: 3, seed: undefined })).toEqual({ ...FINETUNE_DEFAULTS, epochs: 3 });
  });

  it('lists every setting out of range', () => {
    try {
      resolveFinetuneOptions({ epochs: 0, batchSize: 1.5, learningRate: -1, negativeRate: 1, seed: 0.5, microBatchSize: 0 });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'TRAINING_INVALID_OPTION' });
      expect((error as { details: { problems: string[] } }).details.problems).toHaveLength(7);
    }
    expect(() => resolveFinetuneOptions({ learningRate: 1e-4, finalLearningRate: 1e-3 })).toThrow(/finalLearningRate/);
  });
});
