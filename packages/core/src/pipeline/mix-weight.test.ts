import { describe, expect, it } from 'vitest';
import { isCLIPSegError } from '../errors.js';
import { MAX_MIX_WEIGHT, parsePrompts } from './prompt.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isCLIPSegError(error) ? `${error.code}: ${error.message}` : 'untyped';
  }
}

const mix = (weight: number) => [{ mix: [{ prompt: { embedding: [1, 2] }, weight }, { prompt: 'a cat', weight: 1 }] }];

describe('mix weights', () => {
  it('refuses weights whose sum would overflow the embedding, naming the part', () => {
    for (const weight of [1e308, -1e308, MAX_MIX_WEIGHT * 1.0001, -2e4]) {
      expect(codeOf(() => parsePrompts(mix(weight), 2, 'segment')), String(weight)).toMatch(/^PIPELINE_PROMPT_INVALID: .*prompts\[0\]\.mix\[0\]\.weight.*must be between -10000 and 10000/);
    }
  });
  it('takes weights up to the bound, negative ones included', () => {
    for (const weight of [MAX_MIX_WEIGHT, -MAX_MIX_WEIGHT, 0.5, -1, 1e-8]) expect(codeOf(() => parsePrompts(mix(weight), 2, 'segment')), String(weight)).toBeUndefined();
  });
});
