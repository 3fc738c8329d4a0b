/**
 * Configs unlike the goldens (plain head, conditional_layer 1 or never reached, unsorted extract layers, legacy
 * eos_token_id 2 pooling, erf/tanh GELU, non-square images), with random weights, checked against an independent
 * float64 forward pass written from the HF semantics.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { projectorActivationIndex } from '@clipseg/core/bundle';
import type { CheckpointReader } from '../checkpoint/checkpoint-reader.js';
import { buildGraphs } from './build-graphs.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { expectedParameters } from './expected-parameters.js';
import { interpolatePositionEmbeddings } from './position-embeddings.js';
import { pearson } from '../../test/pearson.js';

type Weights = ReadonlyMap<string, Float32Array>;
type Mat = { rows: number; cols: number; data: Float64Array };

/** Seeded normal draws (mulberry32 + Box–Muller). */
function randomWeights(config: CLIPSegGraphConfig, seed: number): Map<string, Float32Array> {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of expectedParameters(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const isNormWeight = /(layer_norm\d|layrnorm|layernorm|final_layer_norm)\.weight$/.test(name);
    out.set(name, Float32Array.from({ length: size }, () => (isNormWeight ? 1 : 0) + 0.3 * normal()));
  }
  return out;
}

function readerOver(config: CLIPSegGraphConfig, weights: Weights): CheckpointReader {
  const shapes = expectedParameters(config);
  return {
    source: 'random',
    list: () => [...weights.keys()].map((name) => ({ name, dtype: 'F32' as const, shape: shapes.get(name)! })),
    readFloat32: (name) => Promise.resolve(weights.get(name)!.slice()),
    close: () => Promise.resolve(),
  };
}

// ---------------------------------------------------------------- float64 reference

const mat = (rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Mat => ({ rows, cols, data });

function linear(W: Weights, x: Mat, prefix: string, bias = true): Mat {
  const w = W.get(`${prefix}.weight`)!;
  const b = bias ? W.get(`${prefix}.bias`)! : undefined;
  const outF = w.length / x.cols;
  const y = mat(x.rows, outF);
  for (let r = 0; r < x.rows; r++)
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < x.cols; i++) s += x.data[r * x.cols + i]! * w[o * x.cols + i]!;
      y.data[r * outF + o] = s;
    }
  return y;
}

function layerNorm(W: Weights, x: Mat, prefix: string, eps: number): Mat {
  const g = W.get(`${prefix}.weight`)!;
  const b = W.get(`${prefix}.bias`)!;
  const y = mat(x.rows, x.cols);
  for (let r = 0; r < x.rows; r++) {
    const row = x.data.subarray(r * x.cols, (r + 1) * x.cols);
    const mean = row.reduce((a, v) => a + v, 0) / x.cols;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / x.cols;
    for (let c = 0; c < x.cols; c++) y.data[r * x.cols + c] = ((row[c]! - mean) / Math.sqrt(variance + eps)) * g[c]! + b[c]!;
  }
  return y;
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse; use a series / continued fraction with double accuracy.
  const t = Math.abs(x);
  if (t < 2.5) {
    let term = t;
    let sum = t;
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  return Math.sign(x) * (1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f));
}

const ACT: Record<string, (v: number) => number> = {
  quick_gelu: (v) => v / (1 + Math.exp(-1.702 * v)),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  gelu_new: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
  relu: (v) => Math.max(v, 0),
};

const add = (a: Mat, b: Mat): Mat => mat(a.rows, a.cols, a.data.map((v, i) => v + b.data[i]!));

function attention(W: Weights, x: Mat, prefix: string, heads: number, causal: boolean): Mat {
  const q = linear(W, x, `${prefix}.q_proj`);
  const k = linear(W, x, `${prefix}.k_proj`);
  const v = linear(W, x, `${prefix}.v_proj`);
  const D = x.cols;
  const dh = D / heads;
  const out = mat(x.rows, D);
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < x.rows; i++) {
      const scores = Array.from({ length: x.rows }, (_, j) => {
        if (causal && j > i) return -Infinity;
        let s = 0;
        for (let d = 0; d < dh; d++) s += q.data[i * D + h * dh + d]! * k.data[j * D + h * dh + d]!;
        return s / Math.sqrt(dh);
      });
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const total = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < x.rows; j++) for (let d = 0; d < dh; d++) out.data[i * D + h * dh + d]! += (e[j]! / total) * v.data[j * D + h * dh + d]!;
    }
  return linear(W, out, `${prefix}.out_proj`);
}

function mlpOf(W: Weights, x: Mat, prefix: string, act: string): Mat {
  const h = linear(W, x, `${prefix}.fc1`);
  return linear(W, mat(h.rows, h.cols, h.data.map(ACT[act]!)), `${prefix}.fc2`);
}

function preNorm(W: Weights, x: Mat, p: string, heads: number, eps: number, act: string, causal: boolean): Mat {
  const h = add(x, attention(W, layerNorm(W, x, `${p}.layer_norm1`, eps), `${p}.self_attn`, heads, causal));
  return add(h, mlpOf(W, layerNorm(W, h, `${p}.layer_norm2`, eps), `${p}.mlp`, act));
}

function refText(c: CLIPSegGraphConfig, W: Weights, ids: readonly number[]): Float64Array {
  const t = c.text_config;
  const x = mat(ids.length, t.hidden_size);
  const tok = W.get('clip.text_model.embeddings.token_embedding.weight')!;
  const pos = W.get('clip.text_model.embeddings.position_embedding.weight')!;
  ids.forEach((id, s) => {
    for (let d = 0; d < t.hidden_size; d++) x.data[s * t.hidden_size + d] = tok[id * t.hidden_size + d]! + pos[s * t.hidden_size + d]!;
  });
  let h = x;
  for (let i = 0; i < t.num_hidden_layers; i++) h = preNorm(W, h, `clip.text_model.encoder.layers.${i}`, t.num_attention_heads, t.layer_norm_eps, t.hidden_act, true);
  h = layerNorm(W, h, 'clip.text_model.final_layer_norm', t.layer_norm_eps);
  const at = t.eos_token_id === 2 ? ids.indexOf(Math.max(...ids)) : ids.indexOf(t.eos_token_id);
  return linear(W, mat(1, t.hidden_size, h.data.slice(at * t.hidden_size, (at + 1) * t.hidden_size)), 'clip.text_projection', false).data;
}

/** Vision hidden states: [0] the encoder input, [i+1] the output of layer i. */
function refVision(c: CLIPSegGraphConfig, W: Weights, pixels: Float32Array, H: number, Wd: number): Mat[] {
  const v = c.vision_config;
  const p = v.patch_size;
  const gh = H / p;
  const gw = Wd / p;
  const D = v.hidden_size;
  const patchW = W.get('clip.vision_model.embeddings.patch_embedding.weight')!;
  const side = v.image_size / p;
  const pos = interpolatePositionEmbeddings(W.get('clip.vision_model.embeddings.position_embedding.weight')!, side, gh, gw);
  const x = mat(1 + gh * gw, D);
  for (let d = 0; d < D; d++) x.data[d] = W.get('clip.vision_model.embeddings.class_embedding')![d]! + pos[d]!;
  for (let gy = 0; gy < gh; gy++)
    for (let gx = 0; gx < gw; gx++)
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let ch = 0; ch < v.num_channels; ch++)
          for (let ky = 0; ky < p; ky++)
            for (let kx = 0; kx < p; kx++) s += patchW[((d * v.num_channels + ch) * p + ky) * p + kx]! * pixels[(ch * H + gy * p + ky) * Wd + gx * p + kx]!;
        const token = 1 + gy * gw + gx;
        x.data[token * D + d] = s + pos[token * D + d]!;
      }
  const states = [layerNorm(W, x, 'clip.vision_model.pre_layrnorm', v.layer_norm_eps)];
  for (let i = 0; i < v.num_hidden_layers; i++) {
    states.push(preNorm(W, states[i]!, `clip.vision_model.encoder.layers.${i}`, v.num_attention_heads, v.layer_norm_eps, v.hidden_act, false));
  }
  return states;
}

function refImageEmbeds(c: CLIPSegGraphConfig, W: Weights, states: Mat[]): Float64Array {
  const last = states[states.length - 1]!;
  const cls = layerNorm(W, mat(1, last.cols, last.data.slice(0, last.cols)), 'clip.vision_model.post_layernorm', c.vision_config.layer_norm_eps);
  return linear(W, cls, 'clip.visual_projection', false).data;
}

/** HF CLIPSegDecoder for one prompt, the grid laid out row-major as gh × gw. */
function refDecoder(c: CLIPSegGraphConfig, W: Weights, states: Mat[], cond: Float64Array, gh: number, gw: number): Mat {
  const R = c.reduce_dim;
  const eps = c.vision_config.layer_norm_eps;
  const acts = c.extract_layers.map((l) => states[l + 1]!).reverse();
  let out: Mat | undefined;
  acts.forEach((a, i) => {
    const r = linear(W, a, `decoder.reduces.${i}`);
    out = out ? add(r, out) : r;
    if (i === c.conditional_layer) {
      const mul = linear(W, mat(1, cond.length, cond), 'decoder.film_mul').data;
      const plus = linear(W, mat(1, cond.length, cond), 'decoder.film_add').data;
      out = mat(out.rows, R, out.data.map((v, j) => mul[j % R]! * v + plus[j % R]!));
    }
    const p = `decoder.layers.${i}`;
    const h = layerNorm(W, add(out, attention(W, out, `${p}.self_attn`, c.decoder_num_attention_heads, false)), `${p}.layer_norm1`, eps);
    out = layerNorm(W, add(h, mlpOf(W, h, `${p}.mlp`, 'relu')), `${p}.layer_norm2`, eps);
  });
  // channels-first grid [R, gh, gw] from tokens 1…
  let grid = { ch: R, h: gh, w: gw, data: new Float64Array(R * gh * gw) };
  for (let t = 0; t < gh * gw; t++) for (let r = 0; r < R; r++) grid.data[r * gh * gw + t] = out!.data[(1 + t) * R + r]!;
  const convT = (x: typeof grid, prefix: string, k: number, relu: boolean): typeof grid => {
    const w = W.get(`${prefix}.weight`)!;
    const b = W.get(`${prefix}.bias`)!;
    const o = b.length;
    const y = { ch: o, h: x.h * k, w: x.w * k, data: new Float64Array(o * x.h * k * x.w * k) };
    for (let oc = 0; oc < o; oc++)
      for (let yy = 0; yy < y.h; yy++)
        for (let xx = 0; xx < y.w; xx++) {
          let s = b[oc]!;
          for (let ic = 0; ic < x.ch; ic++) s += x.data[(ic * x.h + Math.floor(yy / k)) * x.w + Math.floor(xx / k)]! * w[((ic * o + oc) * k + (yy % k)) * k + (xx % k)]!;
          y.data[(oc * y.h + yy) * y.w + xx] = relu ? Math.max(s, 0) : s;
        }
    return y;
  };
  const head = 'decoder.transposed_convolution';
  if (c.use_complex_transposed_convolution) {
    const w0 = W.get(`${head}.0.weight`)!;
    const b0 = W.get(`${head}.0.bias`)!;
    const y = { ...grid, data: new Float64Array(grid.data.length) };
    for (let oc = 0; oc < R; oc++)
      for (let yy = 0; yy < gh; yy++)
        for (let xx = 0; xx < gw; xx++) {
          let s = b0[oc]!;
          for (let ic = 0; ic < R; ic++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const sy = yy + ky - 1;
                const sx = xx + kx - 1;
                if (sy >= 0 && sy < gh && sx >= 0 && sx < gw) s += grid.data[(ic * gh + sy) * gw + sx]! * w0[((oc * R + ic) * 3 + ky) * 3 + kx]!;
              }
          y.data[(oc * gh + yy) * gw + xx] = Math.max(s, 0);
        }
    const k = Math.floor(c.vision_config.patch_size / 4);
    grid = convT(convT(y, `${head}.2`, k, true), `${head}.4`, k, false);
  } else {
    grid = convT(grid, head, c.vision_config.patch_size, false);
  }
  return mat(grid.h, grid.w, grid.data);
}

// ---------------------------------------------------------------- the variants

const variantA: CLIPSegGraphConfig = {
  projection_dim: 12,
  extract_layers: [2, 0],
  reduce_dim: 8,
  decoder_num_attention_heads: 2,
  decoder_intermediate_size: 10,
  conditional_layer: 1,
  use_complex_transposed_convolution: false,
  text_config: {
    vocab_size: 40,
    hidden_size: 16,
    intermediate_size: 24,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    max_position_embeddings: 12,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-6,
    eos_token_id: 2,
  },
  vision_config: {
    hidden_size: 24,
    intermediate_size: 20,
    num_hidden_layers: 4,
    num_attention_heads: 3,
    num_channels: 3,
    image_size: 32,
    patch_size: 8,
    hidden_act: 'gelu_new',
    layer_norm_eps: 1e-5,
  },
};

const variantB: CLIPSegGraphConfig = {
  ...variantA,
  // wide enough for the decoder MLP to run in 256-wide slices (3 here)
  decoder_intermediate_size: 768,
  extract_layers: [1],
  conditional_layer: 7,
  use_complex_transposed_convolution: true,
  text_config: { ...variantA.text_config, hidden_act: 'quick_gelu', eos_token_id: 9, layer_norm_eps: 1e-5 },
  vision_config: { ...variantA.vision_config, num_hidden_layers: 2, hidden_act: 'relu' },
};

function seeded(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 1.5);
}

function expectNear(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number): number {
  expect(actual.length, label).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  expect(max, label).toBeLessThanOrEqual(atol);
  return max;
}

const cases = [
  { title: 'plain head, FiLM before layer 1, extract_layers [2, 0], legacy argmax pooling, erf/tanh GELU, 48×40 images', config: variantA, H: 48, W: 40, seed: 7,
    ids: [[1, 5, 33, 39, 0, 0, 0], [1, 39, 0, 4, 0, 0, 0]] },
  { title: 'refined head, conditional_layer never reached, one extract layer, first-eos pooling, ReLU vision MLP, sliced decoder MLP, 32×32 images', config: variantB, H: 32, W: 32, seed: 11,
    ids: [[1, 5, 33, 9, 9, 9, 9], [1, 9, 30, 4, 9, 2, 9]] },
];

describe.each(cases)('buildGraphs for another config: $title', ({ config, H, W, seed, ids }) => {
  const weights = randomWeights(config, seed);
  const P = config.projection_dim;

  it('matches a float64 reference of every graph', async () => {
    const built = await buildGraphs(config, readerOver(config, weights), { imageSize: { height: H, width: W } });
    const sessions = Object.fromEntries(await Promise.all(Object.entries(built.graphs).map(async ([k, v]) => [k, await ort.InferenceSession.create(v)] as const)));
    const run = async (name: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> => (await sessions[name]!.run(feeds)) as Record<string, ort.Tensor>;
    const errors: string[] = [];
    try {
      for (const contract of built.contracts) expect([...sessions[contract.name]!.inputNames]).toEqual(contract.inputs.map((t) => t.name));

      const idTensor = new ort.Tensor('int64', BigInt64Array.from(ids.flat(), BigInt), [ids.length, ids[0]!.length]);
      const text = (await run('text_encoder', { input_ids: idTensor })).text_embeds!;
      expect(text.dims).toEqual([2, P]);
      ids.forEach((row, b) => {
        errors.push(`text ${expectNear(`text_embeds[${b}]`, (text.data as Float32Array).subarray(b * P, (b + 1) * P), refText(config, weights, row), 1e-5).toExponential(1)}`);
      });

      // Two images in one batch: each must match its own reference.
      const pixels = [seeded(3 * H * W, 1), seeded(3 * H * W, 2)];
      const both = new Float32Array(2 * 3 * H * W);
      both.set(pixels[0]!, 0);
      both.set(pixels[1]!, 3 * H * W);
      const acts = await run('vision_encoder', { pixel_values: new ort.Tensor('float32', both, [2, 3, H, W]) });
      const tokens = 1 + (H / 8) * (W / 8);
      const D = config.vision_config.hidden_size;
      const states = pixels.map((p) => refVision(config, weights, p, H, W));
      config.extract_layers.forEach((layer, k) => {
        const act = acts[`activation_${k}`]!;
        expect(act.dims).toEqual([2, tokens, D]);
        for (let b = 0; b < 2; b++) {
          errors.push(`act ${expectNear(`activation_${k}[${b}]`, (act.data as Float32Array).subarray(b * tokens * D, (b + 1) * tokens * D), states[b]![layer + 1]!.data, 1e-4).toExponential(1)}`);
        }
      });

      const projected = await run('image_projector', { hidden_state: acts[`activation_${projectorActivationIndex(config.extract_layers)}`]! });
      for (let b = 0; b < 2; b++) {
        errors.push(`image ${expectNear(`image_embeds[${b}]`, (projected.image_embeds!.data as Float32Array).subarray(b * P, (b + 1) * P), refImageEmbeds(config, weights, states[b]!), 1e-5).toExponential(1)}`);
      }

      // Decoder: image 1's activations (batch 1) for two prompts.
      const single = Object.fromEntries(
        config.extract_layers.map((_, k) => {
          const data = (acts[`activation_${k}`]!.data as Float32Array).slice(tokens * D, 2 * tokens * D);
          return [`activation_${k}`, new ort.Tensor('float32', data, [1, tokens, D])];
        }),
      );
      const cond = Float32Array.from([...(text.data as Float32Array).subarray(0, P), ...seeded(P, 3)]);
      const logits = (await run('decoder', { ...single, conditional_embeddings: new ort.Tensor('float32', cond, [2, P]) })).logits!;
      // HF's refined head upsamples by (patch_size // 4)² = 4 for patch 8, so its logits are half the image size.
      const up = config.use_complex_transposed_convolution ? 4 : 8;
      expect(logits.dims).toEqual([2, (H / 8) * up, (W / 8) * up]);
      expect(built.contracts.find((c) => c.name === 'decoder')!.outputs[0]!.dims).toEqual(['prompts', (H / 8) * up, (W / 8) * up]);
      const plane = logits.dims[1]! * logits.dims[2]!;
      for (let n = 0; n < 2; n++) {
        const ref = refDecoder(config, weights, states[1]!, Float64Array.from(cond.subarray(n * P, (n + 1) * P)), H / 8, W / 8);
        errors.push(`logits ${expectNear(`logits[${n}]`, (logits.data as Float32Array).subarray(n * plane, (n + 1) * plane), ref.data, 1e-4).toExponential(1)}`);
      }
    } finally {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      console.info(`max |ORT float32 − reference float64|: ${errors.join(', ')}`);
    }
  });

  it('with int8 weights (sliced MLPs included), keeps the float64 reference logits', async () => {
    const built = await buildGraphs(config, readerOver(config, weights), { imageSize: { height: H, width: W }, dtype: 'int8' });
    const sessions = Object.fromEntries(await Promise.all(Object.entries(built.graphs).map(async ([k, v]) => [k, await ort.InferenceSession.create(v)] as const)));
    try {
      const pixels = seeded(3 * H * W, 2);
      const acts = await sessions.vision_encoder!.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, H, W]) });
      const cond = seeded(2 * P, 5);
      const feeds = { ...acts, conditional_embeddings: new ort.Tensor('float32', cond, [2, P]) } as Record<string, ort.Tensor>;
      const logits = (await sessions.decoder!.run(feeds)).logits!;
      const states = refVision(config, weights, pixels, H, W);
      const plane = logits.dims[1]! * logits.dims[2]!;
      for (let n = 0; n < 2; n++) {
        const ref = refDecoder(config, weights, states, Float64Array.from(cond.subarray(n * P, (n + 1) * P)), H / 8, W / 8).data;
        const got = (logits.data as Float32Array).subarray(n * plane, (n + 1) * plane);
        const correlation = pearson(got, ref);
        console.info(`int8 logits[${n}] vs float64 reference: correlation ${correlation.toFixed(5)}`);
        expect(correlation).toBeGreaterThan(0.99);
      }
    } finally {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
    }
  });
});
