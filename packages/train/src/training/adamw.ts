/**
 * AdamW exact to PyTorch 1.13's `torch.optim.AdamW` (`_single_tensor_adamw`, CPU float32).
 *
 * @module
 */
import { TrainingError } from './training-error.js';

const f32 = Math.fround;

/** Hyper-parameters of {@link AdamW}; the defaults are the paper's fine-tuning recipe. */
export interface AdamWOptions {
  /** Learning rate (default 1e-3); {@link AdamW.step} may pass another one per step (a schedule). */
  readonly lr?: number;
  /** `(β1, β2)` (default `[0.9, 0.999]`). */
  readonly betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  readonly eps?: number;
  /** Decoupled weight decay (default 0.01, torch's default). */
  readonly weightDecay?: number;
}

/** Optimizer state, by parameter name: what a resumed run needs (torch's `step`, `exp_avg`, `exp_avg_sq`). */
export interface AdamWState {
  /** Steps taken (torch keeps one per parameter; all parameters here step together). */
  readonly step: number;
  /** First moments. */
  readonly expAvg: Readonly<Record<string, Float32Array>>;
  /** Second moments. */
  readonly expAvgSq: Readonly<Record<string, Float32Array>>;
}

/**
 * AdamW over named float32 parameter arrays, updated in place, with torch 1.13's order of operations in float32:
 * each tensor op rounds to float32 once, scalars computed in double by Python and rounded to float32 by the
 * kernel:
 * ```
 * step += 1
 * p  = p · (1 − lr·wd)
 * m  = m·β1 + (1 − β1)·g                 (add_ with alpha: one fused multiply-add)
 * v  = v·β2 + ((1 − β2)·g)·g             (addcmul_)
 * denom = √v / √(1 − β2^step) + eps
 * p  = p + (−lr / (1 − β1^step))·m / denom   (addcdiv_)
 * ```
 */
export class AdamW {
  /** Learning rate used when {@link AdamW.step} gets none. */
  readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private steps = 0;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();

  /** @param options - hyper-parameters (see {@link AdamWOptions}) */
  constructor(options: AdamWOptions = {}) {
    this.lr = options.lr ?? 1e-3;
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Updates each of `parameters` in place with its gradient from `gradients` (same names, same sizes).
   *
   * @param lr - this step's learning rate (default the constructor's), e.g. from {@link cosineLearningRate}
   * @throws TrainingError `TRAINING_INVALID_INPUT` when a gradient is missing or of another size
   */
  step(parameters: ReadonlyMap<string, Float32Array>, gradients: ReadonlyMap<string, Float32Array>, lr = this.lr): void {
    for (const [name, p] of parameters) {
      const g = gradients.get(name);
      if (g === undefined || g.length !== p.length) {
        throw new TrainingError('TRAINING_INVALID_INPUT', `AdamW needs a gradient of ${p.length} values for '${name}', got ${g === undefined ? 'none' : g.length}; pass the step's gradients of every parameter.`, { parameter: name });
      }
    }
    this.steps += 1;
    const step = this.steps;
    const decay = f32(1 - lr * this.weightDecay);
    const b1 = f32(this.beta1);
    const oneMinusB1 = f32(1 - this.beta1);
    const b2 = f32(this.beta2);
    const oneMinusB2 = f32(1 - this.beta2);
    const biasCorrection2Sqrt = f32(Math.sqrt(1 - this.beta2 ** step));
    const negStepSize = f32(-(lr / (1 - this.beta1 ** step)));
    const eps = f32(this.eps);
    for (const [name, p] of parameters) {
      const g = gradients.get(name)!;
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (m === undefined || v === undefined) {
        m = new Float32Array(p.length);
        v = new Float32Array(p.length);
        this.m.set(name, m);
        this.v.set(name, v);
      }
      for (let k = 0; k < p.length; k++) {
        const gk = g[k]!;
        const pk = f32(p[k]! * decay);
        // Products of two float32 values are exact in double, so one rounding of the sum is the FMA's.
        const mk = f32(f32(m[k]! * b1) + oneMinusB1 * gk);
        const vk = f32(f32(v[k]! * b2) + f32(f32(oneMinusB2 * gk) * gk));
        const denom = f32(f32(f32(Math.sqrt(vk)) / biasCorrection2Sqrt) + eps);
        m[k] = mk;
        v[k] = vk;
        p[k] = f32(pk + f32(f32(negStepSize * mk) / denom));
      }
    }
  }

  /** A copy of the state, for saving (see {@link AdamW.loadState}). */
  state(): AdamWState {
    const copy = (map: Map<string, Float32Array>): Record<string, Float32Array> => Object.fromEntries([...map].map(([k, a]) => [k, a.slice()]));
    return { step: this.steps, expAvg: copy(this.m), expAvgSq: copy(this.v) };
  }

  /**
   * Restores a state saved by {@link AdamW.state} (a resumed run continues exactly).
   *
   * @throws TrainingError `TRAINING_INVALID_INPUT` when the step is not a whole number ≥ 0 or the moments do not pair up
   */
  loadState(state: AdamWState): void {
    const names = Object.keys(state.expAvg);
    const ok =
      Number.isInteger(state.step) &&
      state.step >= 0 &&
      names.length === Object.keys(state.expAvgSq).length &&
      names.every((n) => state.expAvgSq[n] !== undefined && state.expAvgSq[n].length === state.expAvg[n]!.length);
    if (!ok) throw new TrainingError('TRAINING_INVALID_INPUT', 'The AdamW state is inconsistent (step or moments); pass a state saved by AdamW.state().');
    this.steps = state.step;
    this.m.clear();
    this.v.clear();
    for (const n of names) {
      this.m.set(n, state.expAvg[n]!.slice());
      this.v.set(n, state.expAvgSq[n]!.slice());
    }
  }
}
