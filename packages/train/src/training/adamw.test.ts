import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { TrainingError } from './training-error.js';

/** AdamW in float64, straight from the paper's algorithm with torch's decoupled decay. */
function reference(p0: number[], grads: number[][], lr: number, wd: number, b1: number, b2: number, eps: number): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let k = 0; k < p.length; k++) {
      p[k] = p[k]! * (1 - lr * wd);
      m[k] = b1 * m[k]! + (1 - b1) * g[k]!;
      v[k] = b2 * v[k]! + (1 - b2) * g[k]! ** 2;
      p[k] = p[k]! - ((lr / (1 - b1 ** t)) * m[k]!) / (Math.sqrt(v[k]!) / Math.sqrt(1 - b2 ** t) + eps);
    }
  });
  return p;
}

const start = [0.5, -1.25, 0.003, 2, 0];
const grads = [
  [0.1, -0.2, 1e-3, 3, 0],
  [0.05, 0.4, -2e-3, -1, 1e-9],
  [-0.3, 0.1, 5e-4, 0.5, 0],
];

describe('AdamW', () => {
  it('follows the float64 algorithm to float32 rounding over three steps', () => {
    const p = new Map([['w', Float32Array.from(start)]]);
    const opt = new AdamW({ lr: 1e-2, weightDecay: 0.1 });
    for (const g of grads) opt.step(p, new Map([['w', Float32Array.from(g)]]));
    const expected = reference(start.map(Math.fround), grads.map((g) => g.map(Math.fround)), 1e-2, 0.1, 0.9, 0.999, 1e-8);
    p.get('w')!.forEach((v, k) => expect(Math.abs(v - expected[k]!), `element ${k}`).toBeLessThan(1e-6));
    expect(opt.stepCount).toBe(3);
  });

  it('uses the learning rate given to step (a schedule), decaying by it too', () => {
    const a = new Map([['w', Float32Array.from(start)]]);
    const b = new Map([['w', Float32Array.from(start)]]);
    new AdamW({ lr: 1e-3 }).step(a, new Map([['w', Float32Array.from(grads[0]!)]]), 5e-2);
    new AdamW({ lr: 5e-2 }).step(b, new Map([['w', Float32Array.from(grads[0]!)]]));
    expect([...a.get('w')!]).toEqual([...b.get('w')!]);
  });

  it('resumes exactly from a saved state', () => {
    const run = (split: boolean): Float32Array => {
      const p = new Map([['w', Float32Array.from(start)]]);
      let opt = new AdamW();
      grads.forEach((g, s) => {
        if (split && s === 2) {
          const saved = opt.state();
          opt = new AdamW();
          opt.loadState(saved);
        }
        opt.step(p, new Map([['w', Float32Array.from(g)]]));
      });
      return p.get('w')!;
    };
    expect([...run(true)]).toEqual([...run(false)]);
  });

  it('refuses a missing or mis-sized gradient and an inconsistent state', () => {
    const p = new Map([['w', new Float32Array(3)]]);
    const opt = new AdamW();
    expect(() => opt.step(p, new Map())).toThrow(TrainingError);
    expect(() => opt.step(p, new Map([['w', new Float32Array(2)]]))).toThrow(/3 values for 'w'/);
    expect(opt.stepCount).toBe(0);
    expect(() => opt.loadState({ step: 1.5, expAvg: {}, expAvgSq: {} })).toThrow(TrainingError);
    expect(() => opt.loadState({ step: 1, expAvg: { w: new Float32Array(3) }, expAvgSq: { w: new Float32Array(2) } })).toThrow(TrainingError);
  });
});
