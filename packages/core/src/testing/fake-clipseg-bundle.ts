/**
 * A tiny, deterministic CLIPSeg stand-in for orchestration tests: a bundle whose four "graphs" are JSON
 * descriptions, and a pure-JS {@link Backend} that runs them as simple arithmetic with the real graphs' input and
 * output names and shapes. No ONNX, no runtime; nothing it computes is meaningful beyond being a fixed function
 * of its inputs.
 *
 * @module
 */
import type { Backend, ModelSource, RunOptions, Session, SessionInfo, SessionOptions } from '../backend/backend.js';
import { BackendError } from '../backend/backend-error.js';
import { validateRun } from '../backend/validate-feeds.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION } from '../bundle/bundle-manifest.js';
import { activationName, BUNDLE_GRAPH_NAMES, type BundleGraphName } from '../bundle/graph-names.js';
import { sha256Hex } from '../io/sha256.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import type { TensorSpec } from '../tensor/tensor-spec.js';

/** Sizes of a {@link createFakeBundle} model. */
export interface FakeBundleOptions {
  /** Width of the embeddings. Default 8. */
  readonly projectionDim?: number;
  /** Vision layers the decoder reads. Default `[0, 2, 1]` (the deepest, 2, is not last: the projector reads `activation_1`). */
  readonly extractLayers?: readonly number[];
  /** Side of the square input image, a multiple of 4. Default 16. */
  readonly imageSize?: number;
  /** Text context (`text_config.max_position_embeddings`). Default 16. */
  readonly maxPositionEmbeddings?: number;
}

/** The files of a fake bundle plus the values tests need. */
export interface FakeBundle {
  /** Every file of the bundle by name (`manifest.json`, the four `*.onnx`, configs, tokenizer); edit freely. */
  readonly files: Record<string, Uint8Array>;
  /** `manifest.json` as an object (also in `files`). */
  readonly manifest: Record<string, unknown>;
  /** Width of the embeddings. */
  readonly projectionDim: number;
  /** Vision tokens per image (1 + patches). */
  readonly tokens: number;
  /** Vision hidden width. */
  readonly visionHidden: number;
  /** Side of the square image the graphs take and the logits have. */
  readonly imageSize: number;
  /** Text context length. */
  readonly maxLength: number;
  /** Ids of the toy tokenizer's begin- and end-of-text tokens. */
  readonly bosId: number;
  /** See {@link FakeBundle.bosId}. */
  readonly eosId: number;
}

const PATCH = 4;
const VISION_HIDDEN = 6;
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A toy CLIP-format vocabulary: the byte symbols, one merge pair (`c a`, `ca t</w>`), then the specials. */
function toyTokenizerFiles(): { vocab: Record<string, number>; merges: string } {
  const bytes: string[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(String.fromCharCode(b));
  for (let b = 161; b <= 172; b++) bytes.push(String.fromCharCode(b));
  for (let b = 174; b <= 255; b++) bytes.push(String.fromCharCode(b));
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bytes.includes(String.fromCharCode(b))) bytes.push(String.fromCharCode(256 + n++));
  const tokens = [...bytes, ...bytes.map((c) => `${c}</w>`), 'ca', 'cat</w>', '<|startoftext|>', '<|endoftext|>'];
  return { vocab: Object.fromEntries(tokens.map((t, i) => [t, i])), merges: '#version: 0.2\nc a\nca t</w>\n' };
}

interface FakeGraph {
  readonly fake: 'clipseg';
  readonly graph: BundleGraphName;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly eosId: number;
}

const entry = (path: string, bytes: Uint8Array) => ({ path, bytes: bytes.byteLength, sha256: sha256Hex(bytes) });

/** Builds a fake bundle (see the module description); `createFakeBackend()` runs its graphs. */
export function createFakeBundle(options: FakeBundleOptions = {}): FakeBundle {
  const P = options.projectionDim ?? 8;
  const layers = options.extractLayers ?? [0, 2, 1];
  const S = options.imageSize ?? 16;
  const maxLength = options.maxPositionEmbeddings ?? 16;
  const T = 1 + (S / PATCH) ** 2;
  const { vocab, merges } = toyTokenizerFiles();
  const bosId = vocab['<|startoftext|>']!;
  const eosId = vocab['<|endoftext|>']!;
  const acts = (batch: number | string): TensorSpec[] => layers.map((_, i) => ({ name: activationName(i), type: 'float32', dims: [batch, T, VISION_HIDDEN] }));
  const contracts: Record<BundleGraphName, { inputs: TensorSpec[]; outputs: TensorSpec[] }> = {
    text_encoder: { inputs: [{ name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'] }], outputs: [{ name: 'text_embeds', type: 'float32', dims: ['batch', P] }] },
    vision_encoder: { inputs: [{ name: 'pixel_values', type: 'float32', dims: ['batch', 3, S, S] }], outputs: acts('batch') },
    image_projector: { inputs: [{ name: 'hidden_state', type: 'float32', dims: ['batch', T, VISION_HIDDEN] }], outputs: [{ name: 'image_embeds', type: 'float32', dims: ['batch', P] }] },
    decoder: {
      inputs: [...acts(1), { name: 'conditional_embeddings', type: 'float32', dims: ['prompts', P] }],
      outputs: [{ name: 'logits', type: 'float32', dims: ['prompts', S, S] }],
    },
  };
  const config = {
    model_type: 'clipseg',
    projection_dim: P,
    extract_layers: [...layers],
    reduce_dim: 4,
    decoder_num_attention_heads: 2,
    decoder_intermediate_size: 8,
    text_config: { hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: maxLength },
    vision_config: { hidden_size: VISION_HIDDEN, intermediate_size: 12, num_hidden_layers: Math.max(...layers) + 1, num_attention_heads: 2, image_size: S, patch_size: PATCH },
  };
  const preprocessor = { image_processor_type: 'ViTImageProcessor', do_resize: true, size: { height: S, width: S }, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };
  const files: Record<string, Uint8Array> = {
    'config.json': encode(JSON.stringify(config)),
    'preprocessor_config.json': encode(JSON.stringify(preprocessor)),
    'vocab.json': encode(JSON.stringify(vocab)),
    'merges.txt': encode(merges),
  };
  const graphs: Record<string, unknown> = {};
  for (const graph of BUNDLE_GRAPH_NAMES) {
    const model: FakeGraph = { fake: 'clipseg', graph, ...contracts[graph], eosId };
    const bytes = encode(JSON.stringify(model));
    files[`${graph}.onnx`] = bytes;
    graphs[graph] = { ...entry(`${graph}.onnx`, bytes), ...contracts[graph] };
  }
  const manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdBy: 'fake-clipseg-bundle',
    source: { files: [] },
    dtype: 'fp32',
    imageSize: { height: S, width: S },
    graphs,
    files: {
      config: entry('config.json', files['config.json']!),
      preprocessor: entry('preprocessor_config.json', files['preprocessor_config.json']!),
      tokenizer: [entry('vocab.json', files['vocab.json']!), entry('merges.txt', files['merges.txt']!)],
    },
  };
  files['manifest.json'] = encode(JSON.stringify(manifest));
  return { files, manifest, projectionDim: P, tokens: T, visionHidden: VISION_HIDDEN, imageSize: S, maxLength, bosId, eosId };
}

/** Options of {@link createFakeBackend}. */
export interface FakeBackendOptions {
  /** Renames inputs/outputs a session reports (and takes), per graph: `{ decoder: { logits: 'masks' } }`. */
  readonly rename?: Partial<Record<BundleGraphName, Record<string, string>>>;
  /** Awaited at the start of every run, after validation: lets tests hold a run in flight (to abort or dispose it). */
  readonly beforeRun?: (graph: BundleGraphName, feeds: Readonly<Record<string, Tensor>>) => void | Promise<void>;
}

/** One run a fake session performed. */
export interface FakeRun {
  /** The graph. */
  readonly graph: BundleGraphName;
  /** Shapes of the feeds by name. */
  readonly dims: Readonly<Record<string, readonly number[]>>;
}

/** A fake {@link Backend} with a log of sessions and runs. */
export interface FakeBackend extends Backend {
  /** Every session created, in order, with its graph and whether it was disposed. */
  readonly sessions: { readonly graph: BundleGraphName; readonly session: Session; disposed: boolean }[];
  /** Every completed run, in order. */
  readonly runs: FakeRun[];
}

/** The text stand-in: depends only on the ids up to the first end-of-text (so padding never matters). */
function fakeText(ids: BigInt64Array, batch: number, width: number, P: number, eosId: number): Float32Array {
  const out = new Float32Array(batch * P);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < width; t++) {
      const id = Number(ids[b * width + t]!);
      for (let d = 0; d < P; d++) out[b * P + d] = out[b * P + d]! + ((id % 97) + 1) * Math.cos(0.3 * (d + 1) * (t + 1)) * 0.1;
      if (id === eosId) break;
    }
  }
  return out;
}

function run(model: FakeGraph, feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const f32 = (name: string) => feeds[name]!.data as Float32Array;
  const dimsOf = (name: string) => feeds[name]!.dims;
  switch (model.graph) {
    case 'text_encoder': {
      const [batch, width] = dimsOf('input_ids') as [number, number];
      const P = model.outputs[0]!.dims[1] as number;
      return { text_embeds: createTensor('float32', [batch, P], fakeText(feeds.input_ids!.data as BigInt64Array, batch, width, P, model.eosId)) };
    }
    case 'vision_encoder': {
      const [batch] = dimsOf('pixel_values') as [number];
      const pixels = f32('pixel_values');
      const per = pixels.length / Math.max(batch, 1);
      const out: Record<string, Tensor> = {};
      model.outputs.forEach((spec, i) => {
        const [, T, D] = spec.dims as [string, number, number];
        const data = new Float32Array(batch * T * D);
        for (let b = 0; b < batch; b++) {
          let mean = 0;
          for (let j = 0; j < per; j++) mean += pixels[b * per + j]!;
          mean /= per;
          for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) data[(b * T + t) * D + d] = mean * (i + 1) + 0.01 * t - 0.001 * d + 0.5 * i;
        }
        out[spec.name] = createTensor('float32', [batch, T, D], data);
      });
      return out;
    }
    case 'image_projector': {
      const [batch, T, D] = dimsOf('hidden_state') as [number, number, number];
      const P = model.outputs[0]!.dims[1] as number;
      const h = f32('hidden_state');
      const out = new Float32Array(batch * P);
      for (let b = 0; b < batch; b++) for (let d = 0; d < P; d++) out[b * P + d] = 2 * h[b * T * D + (d % D)]! + h[(b * T + T - 1) * D + ((d + 1) % D)]! + 0.01 * d;
      return { image_embeds: createTensor('float32', [batch, P], out) };
    }
    case 'decoder': {
      const [prompts, P] = dimsOf('conditional_embeddings') as [number, number];
      const [, H, W] = model.outputs[0]!.dims as [string, number, number];
      const cond = f32('conditional_embeddings');
      const actNames = model.inputs.map((s) => s.name).filter((n) => n !== 'conditional_embeddings');
      const base = f32(actNames[0]!)[0]! + 0.3 * f32(actNames[actNames.length - 1]!)[0]!;
      const out = new Float32Array(prompts * H * W);
      for (let p = 0; p < prompts; p++) {
        let s = 0;
        for (let d = 0; d < P; d++) s += cond[p * P + d]!;
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(p * H + y) * W + x] = 0.1 * s + base + 0.01 * y - 0.02 * x;
      }
      return { logits: createTensor('float32', [prompts, H, W], out) };
    }
  }
}

/** A {@link Backend} that runs {@link createFakeBundle}'s graphs. */
export function createFakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  const sessions: FakeBackend['sessions'] = [];
  const runs: FakeRun[] = [];
  return {
    name: 'fake',
    sessions,
    runs,
    async createSession(source: ModelSource, _options?: SessionOptions): Promise<Session> {
      let model: FakeGraph;
      try {
        const bytes = typeof source === 'string' ? encode(source) : source instanceof Uint8Array ? source : new Uint8Array(source);
        model = JSON.parse(new TextDecoder('utf-8').decode(bytes)) as FakeGraph;
        if (model.fake !== 'clipseg') throw new Error('not a fake graph');
      } catch (cause) {
        throw new BackendError('BACKEND_INVALID_MODEL', 'Not a fake CLIPSeg graph.', { cause });
      }
      const rename = options.rename?.[model.graph] ?? {};
      const outside = (s: TensorSpec): TensorSpec => ({ ...s, name: rename[s.name] ?? s.name });
      const inputSpecs = model.inputs.map(outside);
      const outputNames = model.outputs.map((s) => outside(s).name);
      const record = { graph: model.graph, session: undefined as unknown as Session, disposed: false };
      const info: SessionInfo = { backend: 'fake', executionProvider: 'cpu' };
      const session: Session = {
        inputNames: inputSpecs.map((s) => s.name),
        outputNames,
        inputSpecs,
        info,
        async run(feeds: Readonly<Record<string, Tensor>>, fetches?: readonly string[], runOptions?: RunOptions) {
          if (record.disposed) throw new BackendError('BACKEND_SESSION_DISPOSED', 'The session was disposed.');
          const wanted = validateRun(session, feeds, fetches, runOptions);
          await options.beforeRun?.(model.graph, feeds);
          if (runOptions?.signal?.aborted) throw new BackendError('BACKEND_ABORTED', 'The run was aborted.', { cause: runOptions.signal.reason });
          if (record.disposed) throw new BackendError('BACKEND_SESSION_DISPOSED', 'The session was disposed during the run.');
          const inner = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [Object.entries(rename).find(([, to]) => to === name)?.[0] ?? name, t]));
          const all = run(model, inner);
          runs.push({ graph: model.graph, dims: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, [...t.dims]])) });
          return Object.fromEntries(wanted.map((name) => [name, all[Object.entries(rename).find(([, to]) => to === name)?.[0] ?? name]!]));
        },
        async dispose() {
          record.disposed = true;
        },
      };
      record.session = session;
      sessions.push(record);
      return session;
    },
  };
}
