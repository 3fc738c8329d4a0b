import { describe, expect, it } from 'vitest';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import { createOrtSession, type OrtLikeOutput, type OrtLikeSession, type OrtSessionAdapterOptions } from './ort-session.js';

interface FakeOrtTensor {
  readonly wraps: Tensor;
}

/** An onnxruntime-like session over `x: float32[batch, 2]` → `y` (x + 1) and `z` (x * 2), whose runs wait for `gate`. */
function fakeOrtSession(behaviour: { fail?: Error; gate?: Promise<void> } = {}) {
  const log: string[] = [];
  const outputs: (OrtLikeOutput & { disposed: boolean })[] = [];
  const output = (data: Float32Array, dims: readonly number[]) => {
    const out = { type: 'float32', dims, data, size: data.length, disposed: false, dispose: () => (out.disposed = true) };
    outputs.push(out);
    return out;
  };
  const session: OrtLikeSession<FakeOrtTensor> = {
    inputNames: ['x', 'opaque', 'text'],
    outputNames: ['y', 'z'],
    inputMetadata: [
      { name: 'x', isTensor: true, type: 'float32', shape: ['batch', 2] },
      { name: 'opaque', isTensor: false },
      { name: 'text', isTensor: true, type: 'string', shape: [1] },
    ],
    async run(feeds, fetches) {
      log.push(`run ${fetches.join(',')}`);
      await behaviour.gate;
      if (behaviour.fail) throw behaviour.fail;
      const x = feeds.x!.wraps.data as Float32Array;
      const all: Record<string, OrtLikeOutput> = { y: output(x.map((v) => v + 1), feeds.x!.wraps.dims), z: output(x.map((v) => v * 2), feeds.x!.wraps.dims) };
      return Object.fromEntries(fetches.map((name) => [name, all[name]!]));
    },
    async release() {
      log.push('release');
    },
  };
  return { session, log, outputs };
}

const feeds = () => ({ x: createTensor('float32', [1, 2], Float32Array.from([1, 2])), opaque: createTensor('float32', [1], Float32Array.from([0])), text: createTensor('uint8', [1], Uint8Array.from([0])) });
const info = { backend: 'fake-ort', executionProvider: 'cpu' };
const direct: OrtSessionAdapterOptions<FakeOrtTensor> = { runtime: 'fake-runtime', toOrtTensor: (tensor) => ({ wraps: tensor }) };

/** A run queue like onnxruntime-web's: one task at a time, in order. */
function queue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <R>(task: () => Promise<R>): Promise<R> => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('createOrtSession', () => {
  it('declares the tensor inputs of the types core models, symbolic dims kept, and reports the backend info', () => {
    const s = createOrtSession(fakeOrtSession().session, info, direct);
    expect(s.inputNames).toEqual(['x', 'opaque', 'text']);
    expect(s.outputNames).toEqual(['y', 'z']);
    expect(s.inputSpecs).toEqual([{ name: 'x', type: 'float32', dims: ['batch', 2] }]);
    expect(s.info).toBe(info);
  });

  it('runs through toOrtTensor and returns core tensors for the fetches (all outputs when omitted)', async () => {
    const fake = fakeOrtSession();
    const s = createOrtSession(fake.session, info, direct);
    const out = await s.run(feeds(), ['z']);
    expect(Object.keys(out)).toEqual(['z']);
    expect(out.z).toMatchObject({ type: 'float32', dims: [1, 2], data: Float32Array.from([2, 4]) });
    expect(Object.keys(await s.run(feeds()))).toEqual(['y', 'z']);
    expect(fake.log).toEqual(['run z', 'run y,z']);
  });

  it('refuses bad feeds before the runtime sees them', async () => {
    const fake = fakeOrtSession();
    const s = createOrtSession(fake.session, info, direct);
    await expect(s.run({ ...feeds(), x: createTensor('float32', [1, 3], new Float32Array(3)) })).rejects.toMatchObject({ code: 'BACKEND_INPUT_MISMATCH' });
    expect(fake.log).toEqual([]);
  });

  it("wraps a runtime failure as BACKEND_RUN_FAILED naming the runtime, the runtime's error as its cause", async () => {
    const fail = new Error('kernel exploded');
    const s = createOrtSession(fakeOrtSession({ fail }).session, info, direct);
    const error = await s.run(feeds()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_RUN_FAILED', message: 'fake-runtime failed to run the graph: kernel exploded', cause: fail });
  });

  it('disposes the outputs of a run aborted while it ran, and rejects with BACKEND_ABORTED', async () => {
    const g = gate();
    const fake = fakeOrtSession({ gate: g.promise });
    const s = createOrtSession(fake.session, info, direct);
    const controller = new AbortController();
    const run = s.run(feeds(), undefined, { signal: controller.signal });
    controller.abort(new Error('stop'));
    g.open();
    await expect(run).rejects.toMatchObject({ code: 'BACKEND_ABORTED', message: 'The run was aborted; its results were discarded.' });
    expect(fake.outputs.map((o) => o.disposed)).toEqual([true, true]);
  });

  it('without a scheduler, releases at once: a run failing after dispose() is BACKEND_SESSION_DISPOSED', async () => {
    const g = gate();
    const fake = fakeOrtSession({ gate: g.promise, fail: new Error('released under the run') });
    const s = createOrtSession(fake.session, info, direct);
    const run = s.run(feeds());
    const disposed = s.dispose();
    expect(fake.log).toEqual(['run y,z', 'release']);
    g.open();
    await expect(run).rejects.toMatchObject({ code: 'BACKEND_SESSION_DISPOSED', message: 'The session was disposed during the run.' });
    expect(s.dispose()).toBe(disposed);
    await disposed;
    await expect(s.run(feeds())).rejects.toMatchObject({ code: 'BACKEND_SESSION_DISPOSED' });
    expect(fake.log).toEqual(['run y,z', 'release']);
  });

  it('with a scheduler, a run accepted before dispose() completes first, then the session is released once', async () => {
    const g = gate();
    const fake = fakeOrtSession({ gate: g.promise });
    const s = createOrtSession(fake.session, info, { ...direct, schedule: queue() });
    const run = s.run(feeds(), ['y']);
    const disposed = s.dispose();
    expect(s.dispose()).toBe(disposed);
    g.open();
    expect((await run).y?.data).toEqual(Float32Array.from([2, 3]));
    await disposed;
    expect(fake.log).toEqual(['run y', 'release']);
  });

  it('with a scheduler, a queued run that fails after dispose() is still BACKEND_RUN_FAILED (the release waits for it)', async () => {
    const g = gate();
    const s = createOrtSession(fakeOrtSession({ gate: g.promise, fail: new Error('bad graph') }).session, info, { ...direct, schedule: queue() });
    const run = s.run(feeds());
    const disposed = s.dispose();
    g.open();
    await expect(run).rejects.toMatchObject({ code: 'BACKEND_RUN_FAILED' });
    await disposed;
  });

  it('with a scheduler, a run aborted while it waits in the queue never reaches the runtime', async () => {
    const g = gate();
    const fake = fakeOrtSession({ gate: g.promise });
    const s = createOrtSession(fake.session, info, { ...direct, schedule: queue() });
    const first = s.run(feeds(), ['y']);
    const controller = new AbortController();
    const second = s.run(feeds(), ['z'], { signal: controller.signal });
    controller.abort();
    g.open();
    await first;
    await expect(second).rejects.toMatchObject({ code: 'BACKEND_ABORTED', message: 'The run was aborted before it started.' });
    expect(fake.log).toEqual(['run y']);
  });
});
