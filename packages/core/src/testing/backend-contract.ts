import type { Backend, ModelSource, Session } from '../backend/backend.js';
import { isCLIPSegError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { createTensor } from '../tensor/tensor.js';
import { CONTRACT_BIAS, CONTRACT_SCALE, contractFixtureModel } from './contract-fixture.js';

/** One named check of the backend contract; `run` rejects when the backend breaks the contract. */
export interface ContractTest {
  /** Human-readable name, usable as a test title. */
  readonly name: string;
  /** Performs the check. */
  readonly run: () => Promise<void>;
}

/** How the suite reaches the backend under test. */
export interface BackendContractOptions {
  /** Creates the backend (called once per check). */
  readonly createBackend: () => Backend | Promise<Backend>;
  /**
   * Turns the fixture's ONNX bytes into what the backend loads, when bytes are
   * not enough (a file path, a blob URL …). Defaults to the bytes themselves.
   */
  readonly modelSource?: (bytes: Uint8Array) => ModelSource | Promise<ModelSource>;
}

class ContractViolation extends Error {
  override name = 'ContractViolation';
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ContractViolation(message);
}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  const e = JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  assert(a === e, `${what}: expected ${e}, got ${a}`);
}

async function rejectsWith(promise: Promise<unknown>, code: string, what: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert(isCLIPSegError(error, code), `${what}: expected an error with code ${code}, got ${String((error as { code?: unknown })?.code ?? error)}`);
    return;
  }
  throw new ContractViolation(`${what}: expected a rejection with code ${code}, but it resolved`);
}

function feeds(batch: number, seq: number): { x: Tensor<'float32'>; ids: Tensor<'int64'> } {
  const x = createTensor('float32', [batch, 3], Float32Array.from({ length: batch * 3 }, (_, i) => i - 2.5));
  const ids = createTensor('int64', [batch, seq], BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt(i * 7 - 3)));
  return { x, ids };
}

function checkOutputs(out: Record<string, Tensor>, input: ReturnType<typeof feeds>): void {
  const y = out.y;
  const idsPlus = out.ids_plus;
  assert(y !== undefined && idsPlus !== undefined, `run must return y and ids_plus, got ${Object.keys(out).join(', ')}`);
  same(y.type, 'float32', 'y.type');
  same(y.dims, input.x.dims, 'y.dims');
  const expected = Array.from(input.x.data, (v, i) => Math.fround(Math.fround(v * CONTRACT_SCALE[i % 3]!) + CONTRACT_BIAS[i % 3]!));
  same(Array.from(y.data as Float32Array), expected, 'y values');
  same(idsPlus.type, 'int64', 'ids_plus.type');
  same(idsPlus.dims, input.ids.dims, 'ids_plus.dims');
  same(Array.from(idsPlus.data as BigInt64Array), Array.from(input.ids.data, (v) => v + 1n), 'ids_plus values');
}

/**
 * The contract every {@link Backend} must honour, as a list of independent
 * checks. Runner-agnostic: wrap each in your test framework.
 *
 * @example
 * ```ts
 * for (const t of backendContractTests({ createBackend: () => new MyBackend() })) it(t.name, t.run);
 * ```
 */
export function backendContractTests(options: BackendContractOptions): ContractTest[] {
  const open = async (): Promise<Session> => {
    const backend = await options.createBackend();
    const bytes = contractFixtureModel();
    return backend.createSession(options.modelSource ? await options.modelSource(bytes) : bytes);
  };
  const withSession = (body: (s: Session) => Promise<void>) => async () => {
    const session = await open();
    try {
      await body(session);
    } finally {
      await session.dispose();
    }
  };
  return [
    {
      name: 'backend has a non-empty name',
      run: async () => {
        const backend = await options.createBackend();
        assert(typeof backend.name === 'string' && backend.name.length > 0, 'backend.name must be a non-empty string');
      },
    },
    {
      name: 'session lists input and output names in graph order',
      run: withSession(async (s) => {
        same(s.inputNames, ['x', 'ids'], 'inputNames');
        same(s.outputNames, ['y', 'ids_plus'], 'outputNames');
      }),
    },
    {
      name: 'session describes its inputs with symbolic dims',
      run: withSession(async (s) => {
        same(
          s.inputSpecs.map((spec) => [spec.name, spec.type, spec.dims]),
          [
            ['x', 'float32', ['batch', 3]],
            ['ids', 'int64', ['batch', 'seq']],
          ],
          'inputSpecs',
        );
        assert(typeof s.info.backend === 'string' && typeof s.info.executionProvider === 'string', 'info names backend and execution provider');
      }),
    },
    {
      name: 'run returns every output with the right dtype, dims and values',
      run: withSession(async (s) => {
        const input = feeds(2, 4);
        checkOutputs(await s.run(input), input);
      }),
    },
    {
      name: 'run returns only the requested fetches',
      run: withSession(async (s) => {
        const out = await s.run(feeds(1, 2), ['ids_plus']);
        same(Object.keys(out), ['ids_plus'], 'fetched outputs');
      }),
    },
    {
      name: 'symbolic dims take new sizes in the same session',
      run: withSession(async (s) => {
        for (const [batch, seq] of [
          [1, 1],
          [5, 9],
          [3, 77],
        ] as const) {
          const input = feeds(batch, seq);
          checkOutputs(await s.run(input), input);
        }
      }),
    },
    {
      name: 'run does not modify its inputs',
      run: withSession(async (s) => {
        const input = feeds(2, 3);
        const before = [Array.from(input.x.data), Array.from(input.ids.data)];
        await s.run(input);
        same([Array.from(input.x.data), Array.from(input.ids.data)], before, 'inputs after run');
      }),
    },
    {
      name: 'concurrent runs each get their own results',
      run: withSession(async (s) => {
        const inputs = [feeds(1, 2), feeds(4, 3), feeds(2, 8), feeds(3, 1)];
        const outs = await Promise.all(inputs.map((i) => s.run(i)));
        outs.forEach((out, k) => checkOutputs(out, inputs[k]!));
      }),
    },
    {
      name: 'a missing input is refused with BACKEND_MISSING_INPUT',
      run: withSession(async (s) => {
        await rejectsWith(s.run({ x: feeds(1, 1).x }), 'BACKEND_MISSING_INPUT', 'run without ids');
      }),
    },
    {
      name: 'an unknown input is refused with BACKEND_UNKNOWN_INPUT',
      run: withSession(async (s) => {
        await rejectsWith(s.run({ ...feeds(1, 1), extra: feeds(1, 1).x }), 'BACKEND_UNKNOWN_INPUT', 'run with an extra feed');
      }),
    },
    {
      name: 'an unknown fetch is refused with BACKEND_UNKNOWN_OUTPUT',
      run: withSession(async (s) => {
        await rejectsWith(s.run(feeds(1, 1), ['nope']), 'BACKEND_UNKNOWN_OUTPUT', 'run fetching an unknown output');
      }),
    },
    {
      name: 'a wrong dtype is refused with BACKEND_INPUT_MISMATCH',
      run: withSession(async (s) => {
        const x = createTensor('int32', [1, 3], Int32Array.from([1, 2, 3]));
        await rejectsWith(s.run({ x, ids: feeds(1, 1).ids }), 'BACKEND_INPUT_MISMATCH', 'run with int32 x');
      }),
    },
    {
      name: 'a wrong rank or fixed dim is refused with BACKEND_INPUT_MISMATCH',
      run: withSession(async (s) => {
        const x3 = createTensor('float32', [1, 1, 3]);
        await rejectsWith(s.run({ x: x3, ids: feeds(1, 1).ids }), 'BACKEND_INPUT_MISMATCH', 'run with rank-3 x');
        const x4 = createTensor('float32', [1, 4]);
        await rejectsWith(s.run({ x: x4, ids: feeds(1, 1).ids }), 'BACKEND_INPUT_MISMATCH', 'run with x of width 4');
      }),
    },
    {
      name: 'symbolic dims must agree across inputs (BACKEND_INPUT_MISMATCH)',
      run: withSession(async (s) => {
        await rejectsWith(s.run({ x: feeds(2, 1).x, ids: feeds(3, 1).ids }), 'BACKEND_INPUT_MISMATCH', 'run with batch 2 vs 3');
      }),
    },
    {
      name: 'an aborted signal rejects with BACKEND_ABORTED',
      run: withSession(async (s) => {
        const signal = { aborted: true, reason: new Error('stop') };
        await rejectsWith(s.run(feeds(1, 1), undefined, { signal }), 'BACKEND_ABORTED', 'run with an aborted signal');
      }),
    },
    {
      name: 'runs after dispose reject with BACKEND_SESSION_DISPOSED; dispose is idempotent',
      run: async () => {
        const s = await open();
        await s.dispose();
        await s.dispose();
        await rejectsWith(s.run(feeds(1, 1)), 'BACKEND_SESSION_DISPOSED', 'run after dispose');
      },
    },
    {
      name: 'garbage model bytes are refused with BACKEND_INVALID_MODEL',
      run: async () => {
        const backend = await options.createBackend();
        const garbage = new TextEncoder().encode('this is not an onnx model');
        const source = options.modelSource ? await options.modelSource(garbage) : garbage;
        await rejectsWith(backend.createSession(source), 'BACKEND_INVALID_MODEL', 'createSession with garbage');
      },
    },
  ];
}
