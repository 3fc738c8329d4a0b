import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './suggest-option.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours', () => {
    expect(editDistance('promt', 'prompt')).toBe(1);
    expect(editDistance('prompt', 'prmopt')).toBe(1);
    expect(editDistance('thershold', 'threshold')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('closestName', () => {
  const names = ['prompt', 'negative', 'threshold', 'out', 'json', 'model'];
  it('suggests the nearest name when it is a likely typo', () => {
    expect(closestName('promt', names)).toBe('prompt');
    expect(closestName('Prompt', names)).toBe('prompt');
    expect(closestName('treshold', names)).toBe('threshold');
    expect(closestName('jsno', names)).toBe('json');
    expect(closestName('modle', names)).toBe('model');
  });
  it('suggests nothing when no name is close', () => {
    expect(closestName('frobnicate', names)).toBeUndefined();
    expect(closestName('x', names)).toBeUndefined();
    expect(closestName('in', names)).toBeUndefined();
    expect(closestName('verbose', names)).toBeUndefined();
  });
});
