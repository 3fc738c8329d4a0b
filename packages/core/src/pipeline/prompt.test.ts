import { describe, expect, it } from 'vitest';
import { parsePrompts } from './prompt.js';
import { combineEmbeddings, planPrompts } from './prompt-plan.js';

describe('parsePrompts', () => {
  it('normalises every prompt kind', () => {
    const image = { id: 1 };
    const nodes = parsePrompts<object, object>(['a', { text: 'b' }, { image }, { image, box: { x: 0, y: 0, width: 2, height: 3 } }, { embedding: [1, 2] }, { mix: [{ prompt: 'a', weight: 2 }] }], 2, 'segment');
    expect(nodes.map((n) => n.kind)).toEqual(['text', 'text', 'image', 'image', 'embedding', 'mix']);
    expect(nodes[2]).toMatchObject({ mode: 'none', mask: undefined, box: undefined });
    expect(nodes[3]).toMatchObject({ mode: 'crop-blur-darken', box: { x: 0, y: 0, width: 2, height: 3 } });
    expect(nodes[4]).toMatchObject({ values: new Float32Array([1, 2]) });
    expect(parsePrompts('solo', 2, 'segment')).toEqual([{ kind: 'text', text: 'solo' }]);
  });

  it('accepts null for the optional image fields, as JSON writes them', () => {
    expect(parsePrompts([{ image: 1, mask: null, box: null, mode: null }], 2, 'segment')[0]).toMatchObject({ kind: 'image', mode: 'none' });
  });

  it('names the path of a bad prompt', () => {
    expect(() => parsePrompts(['ok', { mix: [{ prompt: 'x', weight: 1 }, { prompt: { text: 7 }, weight: 1 }] }], 2, 'segment')).toThrow(/prompts\[1\]\.mix\[1\]\.prompt\.text/);
    expect(() => parsePrompts({ embedding: [1] }, 2, 'segment')).toThrow(expect.objectContaining({ code: 'PIPELINE_EMBEDDING_SIZE', details: { path: 'prompt.embedding', expected: 2, actual: 1 } }));
  });
});

describe('planPrompts and combineEmbeddings', () => {
  it('asks for each text once, through mixes, and each image prompt in order', () => {
    const nodes = parsePrompts<string, string>(['a', { mix: [{ prompt: 'b', weight: 1 }, { prompt: 'a', weight: 1 }, { prompt: { image: 'i1' }, weight: 1 }] }, { image: 'i2' }, 'b'], 1, 'segment');
    const plan = planPrompts(nodes);
    expect(plan.texts).toEqual(['a', 'b']);
    expect(plan.images.map((n) => n.image)).toEqual(['i1', 'i2']);
    const out = combineEmbeddings(
      nodes,
      new Map([
        ['a', new Float32Array([1])],
        ['b', new Float32Array([10])],
      ]),
      new Map([
        [plan.images[0]!, new Float32Array([100])],
        [plan.images[1]!, new Float32Array([1000])],
      ]),
      1,
    );
    expect(Array.from(out)).toEqual([1, 111, 1000, 10]);
  });

  it('rounds a mix to float32 once, after summing in float64', () => {
    const nodes = parsePrompts<never, never>([{ mix: [{ prompt: { embedding: [1] }, weight: 1e-8 }, { prompt: { embedding: [1] }, weight: 1 }, { prompt: { embedding: [1] }, weight: -1 }] }], 1, 'segment');
    expect(combineEmbeddings(nodes, new Map(), new Map(), 1)[0]).toBe(Math.fround(1e-8));
  });
});
