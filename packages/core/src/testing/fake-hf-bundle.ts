/**
 * The pipeline's fake bundle ({@link createFakeBundle}) extended for the HF classes: the optional graphs
 * (`text_model`, `vision_model`, `decoder_hidden_states`), `logitScale` and the position-embedding table, as a
 * format-2 (or format-1) manifest, and a backend that runs them with the same toy arithmetic as the default fake
 * graphs, so that results through the default and the optional graphs agree where HF's would.
 *
 * @module
 */
import type { Backend, ModelSource, RunOptions, Session, SessionOptions } from '../backend/backend.js';
import { BackendError } from '../backend/backend-error.js';
import { validateRun } from '../backend/validate-feeds.js';
import { BUNDLE_OPTIONAL_GRAPH_NAMES, POSITION_EMBEDDINGS_TENSOR, type AnyBundleGraphName, type BundleOptionalGraphName } from '../bundle/graph-names.js';
import { sha256Hex } from '../io/sha256.js';
import { createFakeBackend, createFakeBundle, type FakeBackendOptions, type FakeBundle } from './fake-clipseg-bundle.js';
import { writeSafetensors } from '../safetensors/writer.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import type { TensorSpec } from '../tensor/tensor-spec.js';

/** Options of {@link createFakeHFBundle}. */
export interface FakeHFBundleOptions {
  /** Optional graphs to include (default all). */
  readonly optionalGraphs?: readonly BundleOptionalGraphName[];
  /** Manifest format: 2 (default) or 1 (no `logitScale`, no optional graph, no table). */
  readonly formatVersion?: 1 | 2;
  /** `logitScale` written in a format-2 manifest. Default 2.5. */
  readonly logitScale?: number;
  /** `conditional_layer` of the config (default 0): layers before it run once for every prompt. */
  readonly conditionalLayer?: number;
}

/** A fake HF bundle: the pipeline fake's fields plus the sizes the optional graphs use. */
export interface FakeHFBundle extends FakeBundle {
  /** Text hidden width (8). */
  readonly textHidden: number;
  /** Text layers (1). */
  readonly textLayers: number;
  /** Vision layers (max(extract_layers) + 1 = 3). */
  readonly visionLayers: number;
  /** Decoder width (4). */
  readonly reduceDim: number;
  /** The position table written, `[17, 6]` row-major. */
  readonly positionTable: Float32Array;
}

const TEXT_HIDDEN = 8;
const TEXT_LAYERS = 1;
const REDUCE = 4;
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const entry = (path: string, bytes: Uint8Array) => ({ path, bytes: bytes.byteLength, sha256: sha256Hex(bytes) });

interface FakeHFGraph {
  readonly fake: 'clipseg-hf';
  readonly graph: BundleOptionalGraphName;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly eosId: number;
  readonly extractLayers: number[];
  readonly conditionalLayer: number;
}

/** Builds a fake bundle for the HF classes (see the module description); `createFakeHFBackend()` runs it. */
export function createFakeHFBundle(options: FakeHFBundleOptions = {}): FakeHFBundle {
  const base = createFakeBundle();
  const files = { ...base.files };
  const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as Record<string, unknown> & { graphs: Record<string, unknown>; files: Record<string, unknown> };
  const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as { extract_layers: number[]; conditional_layer?: number; text_config: Record<string, unknown> };
  const conditionalLayer = options.conditionalLayer ?? 0;
  config.conditional_layer = conditionalLayer;
  // The toy tokenizer's special ids, so that HF's pooling rule (first eos_token_id) finds its end-of-text token.
  config.text_config = { ...config.text_config, bos_token_id: base.bosId, eos_token_id: base.eosId, pad_token_id: base.eosId };
  files['config.json'] = encode(JSON.stringify(config));
  manifest.files.config = entry('config.json', files['config.json']);
  const layers = config.extract_layers;
  const visionLayers = Math.max(...layers) + 1;
  const { tokens: T, visionHidden: D, projectionDim: P, eosId } = base;
  const states = (n: number, dims: (i: number) => (number | string)[]): TensorSpec[] => Array.from({ length: n }, (_, i) => ({ name: `hidden_state_${i}`, type: 'float32', dims: dims(i) }));
  const activations = layers.map((_, i): TensorSpec => ({ name: `activation_${i}`, type: 'float32', dims: [1, T, D] }));
  const contracts: Record<BundleOptionalGraphName, { inputs: TensorSpec[]; outputs: TensorSpec[] }> = {
    text_model: {
      inputs: [
        { name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'] },
        { name: 'attention_mask', type: 'int64', dims: ['batch', 'sequence'] },
      ],
      outputs: [
        { name: 'last_hidden_state', type: 'float32', dims: ['batch', 'sequence', TEXT_HIDDEN] },
        { name: 'pooler_output', type: 'float32', dims: ['batch', TEXT_HIDDEN] },
        { name: 'text_embeds', type: 'float32', dims: ['batch', P] },
        ...states(TEXT_LAYERS + 1, () => ['batch', 'sequence', TEXT_HIDDEN]),
      ],
    },
    vision_model: {
      inputs: [
        { name: 'pixel_values', type: 'float32', dims: ['batch', 3, 'height', 'width'] },
        { name: 'position_embeddings', type: 'float32', dims: [1, 'tokens', D] },
      ],
      outputs: [
        { name: 'last_hidden_state', type: 'float32', dims: ['batch', 'tokens', D] },
        { name: 'pooler_output', type: 'float32', dims: ['batch', D] },
        { name: 'image_embeds', type: 'float32', dims: ['batch', P] },
        ...states(visionLayers + 1, () => ['batch', 'tokens', D]),
      ],
    },
    decoder_hidden_states: {
      inputs: [...activations, { name: 'conditional_embeddings', type: 'float32', dims: ['prompts', P] }],
      outputs: [{ name: 'logits', type: 'float32', dims: ['prompts', base.imageSize, base.imageSize] }, ...states(layers.length, (i) => [i < conditionalLayer ? 1 : 'prompts', T, REDUCE])],
    },
  };
  const positionTable = Float32Array.from({ length: (1 + (base.imageSize / 4) ** 2) * D }, (_, i) => 0.001 * i);
  if ((options.formatVersion ?? 2) === 2) {
    manifest.formatVersion = 2;
    manifest.logitScale = options.logitScale ?? 2.5;
    for (const graph of options.optionalGraphs ?? BUNDLE_OPTIONAL_GRAPH_NAMES) {
      const model: FakeHFGraph = { fake: 'clipseg-hf', graph, ...contracts[graph], eosId, extractLayers: layers, conditionalLayer };
      files[`${graph}.onnx`] = encode(JSON.stringify(model));
      manifest.graphs[graph] = { ...entry(`${graph}.onnx`, files[`${graph}.onnx`]!), ...contracts[graph] };
      if (graph === 'vision_model') {
        files['vision_position_embedding.safetensors'] = writeSafetensors({ [POSITION_EMBEDDINGS_TENSOR]: createTensor('float32', [positionTable.length / D, D], positionTable) });
        manifest.files.positionEmbeddings = entry('vision_position_embedding.safetensors', files['vision_position_embedding.safetensors']);
      }
    }
  } else {
    manifest.formatVersion = 1;
  }
  files['manifest.json'] = encode(JSON.stringify(manifest));
  return { ...base, files, manifest, textHidden: TEXT_HIDDEN, textLayers: TEXT_LAYERS, visionLayers, reduceDim: REDUCE, positionTable };
}

/** The default fake text_encoder's formula, skipping masked tokens: equal to it for right-padded masks. */
function textEmbeds(ids: BigInt64Array, mask: BigInt64Array, batch: number, width: number, P: number, eosId: number): Float32Array {
  const out = new Float32Array(batch * P);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < width; t++) {
      const id = Number(ids[b * width + t]!);
      if (mask[b * width + t] === 1n) for (let d = 0; d < P; d++) out[b * P + d] = out[b * P + d]! + ((id % 97) + 1) * Math.cos(0.3 * (d + 1) * (t + 1)) * 0.1;
      if (id === eosId) break;
    }
  }
  return out;
}

function runHF(model: FakeHFGraph, feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  switch (model.graph) {
    case 'text_model': {
      const ids = feeds.input_ids!.data as BigInt64Array;
      const mask = feeds.attention_mask!.data as BigInt64Array;
      const [batch, width] = feeds.input_ids!.dims as [number, number];
      const dim = model.outputs.find((s) => s.name === 'text_embeds')!.dims[1] as number;
      const hidden = (k: number) => createTensor('float32', [batch, width, TEXT_HIDDEN], Float32Array.from({ length: batch * width * TEXT_HIDDEN }, (_, i) => k + 0.001 * i + Number(mask[Math.floor(i / TEXT_HIDDEN)]!)));
      const last = hidden(10);
      const pooled = new Float32Array(batch * TEXT_HIDDEN);
      for (let b = 0; b < batch; b++) {
        const row = Array.from(ids.subarray(b * width, (b + 1) * width));
        const at = Math.max(0, row.indexOf(BigInt(model.eosId)));
        pooled.set(last.data.subarray((b * width + at) * TEXT_HIDDEN, (b * width + at + 1) * TEXT_HIDDEN), b * TEXT_HIDDEN);
      }
      const out: Record<string, Tensor> = {
        last_hidden_state: last,
        pooler_output: createTensor('float32', [batch, TEXT_HIDDEN], pooled),
        text_embeds: createTensor('float32', [batch, dim], textEmbeds(ids, mask, batch, width, dim, model.eosId)),
      };
      for (let k = 0; k <= TEXT_LAYERS; k++) out[`hidden_state_${k}`] = hidden(k);
      return out;
    }
    case 'vision_model': {
      const [batch, , H, W] = feeds.pixel_values!.dims as [number, number, number, number];
      const pixels = feeds.pixel_values!.data as Float32Array;
      const positions = feeds.position_embeddings!;
      const T = 1 + (H / 4) * (W / 4);
      const D = positions.dims[2]!;
      if (positions.dims[1] !== T) throw new BackendError('BACKEND_RUN_FAILED', `position_embeddings has ${positions.dims[1]} tokens, the image ${T}.`);
      const dim = model.outputs.find((s) => s.name === 'image_embeds')!.dims[1] as number;
      const per = pixels.length / batch;
      const means = Array.from({ length: batch }, (_, b) => pixels.subarray(b * per, (b + 1) * per).reduce((s, v) => s + v, 0) / per);
      // hidden_state_{l+1} for l = extract_layers[k] equals the default fake vision_encoder's activation_k.
      const state = (j: number) => {
        const k = model.extractLayers.indexOf(j - 1);
        const data = new Float32Array(batch * T * D);
        for (let b = 0; b < batch; b++) for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) data[(b * T + t) * D + d] = k >= 0 ? means[b]! * (k + 1) + 0.01 * t - 0.001 * d + 0.5 * k : j + means[b]!;
        return createTensor('float32', [batch, T, D], data);
      };
      const layers = model.outputs.filter((s) => s.name.startsWith('hidden_state_')).length;
      const out: Record<string, Tensor> = {};
      for (let j = 0; j < layers; j++) out[`hidden_state_${j}`] = state(j);
      out.last_hidden_state = out[`hidden_state_${layers - 1}`]!;
      out.pooler_output = createTensor('float32', [batch, D], Float32Array.from({ length: batch * D }, (_, i) => means[Math.floor(i / D)]! + 0.1 * (i % D) + (positions.data as Float32Array)[i % D]!));
      // image_embeds: the default fake image_projector applied to the deepest activation.
      const h = out[`hidden_state_${Math.max(...model.extractLayers) + 1}`]!.data as Float32Array;
      const embeds = new Float32Array(batch * dim);
      for (let b = 0; b < batch; b++) for (let d = 0; d < dim; d++) embeds[b * dim + d] = 2 * h[b * T * D + (d % D)]! + h[(b * T + T - 1) * D + ((d + 1) % D)]! + 0.01 * d;
      out.image_embeds = createTensor('float32', [batch, dim], embeds);
      return out;
    }
    case 'decoder_hidden_states': {
      const cond = feeds.conditional_embeddings!;
      const [prompts, P2] = cond.dims as [number, number];
      const [, H, W] = model.outputs[0]!.dims as [string, number, number];
      const acts = model.inputs.map((s) => s.name).filter((n) => n !== 'conditional_embeddings');
      const base = (feeds[acts[0]!]!.data as Float32Array)[0]! + 0.3 * (feeds[acts[acts.length - 1]!]!.data as Float32Array)[0]!;
      const logits = new Float32Array(prompts * H * W);
      const sums: number[] = [];
      for (let p = 0; p < prompts; p++) {
        let s = 0;
        for (let d = 0; d < P2; d++) s += (cond.data as Float32Array)[p * P2 + d]!;
        sums.push(s);
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) logits[(p * H + y) * W + x] = 0.1 * s + base + 0.01 * y - 0.02 * x;
      }
      const out: Record<string, Tensor> = { logits: createTensor('float32', [prompts, H, W], logits) };
      model.outputs.slice(1).forEach((spec, k) => {
        const [rows, T, R] = [spec.dims[0] === 1 ? 1 : prompts, spec.dims[1] as number, spec.dims[2] as number];
        out[spec.name] = createTensor('float32', [rows, T, R], Float32Array.from({ length: rows * T * R }, (_, i) => k + base + (rows === 1 ? 0 : sums[Math.floor(i / (T * R))]!)));
      });
      return out;
    }
  }
}

/** A {@link FakeBackend} run log entry for any graph. */
export interface FakeHFRun {
  /** The graph. */
  readonly graph: AnyBundleGraphName;
  /** Shapes of the feeds by name. */
  readonly dims: Readonly<Record<string, readonly number[]>>;
}

/** A backend running both the default fake graphs and the HF ones, with one log of sessions and runs. */
export interface FakeHFBackend extends Backend {
  /** Graphs whose session was created, in order. */
  readonly created: AnyBundleGraphName[];
  /** Sessions disposed, by graph. */
  readonly disposed: AnyBundleGraphName[];
  /** Every completed run, in order. */
  readonly runs: FakeHFRun[];
}

/** A backend that runs {@link createFakeHFBundle}'s graphs (the default ones through the pipeline's fake). */
export function createFakeHFBackend(options: FakeBackendOptions = {}): FakeHFBackend {
  const inner = createFakeBackend(options);
  const created: AnyBundleGraphName[] = [];
  const disposed: AnyBundleGraphName[] = [];
  const runs: FakeHFRun[] = [];
  const log = (graph: AnyBundleGraphName, session: Session): Session => ({
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputSpecs: session.inputSpecs,
    info: session.info,
    async run(feeds: Readonly<Record<string, Tensor>>, fetches?: readonly string[], runOptions?: RunOptions) {
      const out = await session.run(feeds, fetches, runOptions);
      runs.push({ graph, dims: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, [...t.dims]])) });
      return out;
    },
    async dispose() {
      disposed.push(graph);
      await session.dispose();
    },
  });
  return {
    name: 'fake-hf',
    created,
    disposed,
    runs,
    async createSession(source: ModelSource, sessionOptions?: SessionOptions): Promise<Session> {
      const bytes = typeof source === 'string' ? encode(source) : source instanceof Uint8Array ? source : new Uint8Array(source);
      let model: FakeHFGraph | { fake: string; graph: AnyBundleGraphName };
      try {
        model = JSON.parse(new TextDecoder('utf-8').decode(bytes)) as FakeHFGraph;
      } catch (cause) {
        throw new BackendError('BACKEND_INVALID_MODEL', 'Not a fake graph.', { cause });
      }
      if (model.fake !== 'clipseg-hf') {
        const session = await inner.createSession(bytes, sessionOptions);
        created.push(model.graph);
        return log(model.graph, session);
      }
      const hf = model as FakeHFGraph;
      let isDisposed = false;
      const session: Session = {
        inputNames: hf.inputs.map((s) => s.name),
        outputNames: hf.outputs.map((s) => s.name),
        inputSpecs: hf.inputs,
        info: { backend: 'fake-hf', executionProvider: 'cpu' },
        async run(feeds, fetches, runOptions) {
          if (isDisposed) throw new BackendError('BACKEND_SESSION_DISPOSED', 'The session was disposed.');
          const wanted = validateRun(session, feeds, fetches, runOptions);
          await options.beforeRun?.(hf.graph as never, feeds);
          if (runOptions?.signal?.aborted) throw new BackendError('BACKEND_ABORTED', 'The run was aborted.', { cause: runOptions.signal.reason });
          const all = runHF(hf, feeds);
          return Object.fromEntries(wanted.map((name) => [name, all[name]!]));
        },
        async dispose() {
          isDisposed = true;
        },
      };
      created.push(hf.graph);
      return log(hf.graph, session);
    },
  };
}
