import { describe, expect, it } from 'vitest';
import type { Backend, Session } from '../backend/backend.js';
import { BackendError } from '../backend/backend-error.js';
import { validateRun } from '../backend/validate-feeds.js';
import type { Tensor } from '../tensor/tensor.js';
import { createTensor } from '../tensor/tensor.js';
import { backendContractTests } from './backend-contract.js';
import { CONTRACT_BIAS, CONTRACT_SCALE, contractFixtureModel } from './contract-fixture.js';

interface DoubleFlaws {
  skipValidation?: boolean;
  wrongValues?: boolean;
  ignoreFetches?: boolean;
  acceptGarbage?: boolean;
}

/** A pure-JS backend that knows the fixture's arithmetic, with switchable flaws. */
function doubleBackend(flaws: DoubleFlaws = {}): Backend {
  const fixture = contractFixtureModel();
  return {
    name: 'js-double',
    async createSession(model) {
      const bytes = model instanceof Uint8Array ? model : typeof model === 'string' ? new Uint8Array() : new Uint8Array(model);
      const matches = bytes.length === fixture.length && bytes.every((b, i) => b === fixture[i]);
      if (!matches && !flaws.acceptGarbage) throw new BackendError('BACKEND_INVALID_MODEL', 'not the fixture');
      let disposed = false;
      const session: Session = {
        inputNames: ['x', 'ids'],
        outputNames: ['y', 'ids_plus'],
        inputSpecs: [
          { name: 'x', type: 'float32', dims: ['batch', 3] },
          { name: 'ids', type: 'int64', dims: ['batch', 'seq'] },
        ],
        info: { backend: 'js-double', executionProvider: 'js' },
        async run(feeds, fetches, options) {
          if (disposed) throw new BackendError('BACKEND_SESSION_DISPOSED', 'disposed');
          const names = flaws.skipValidation ? (fetches ?? session.outputNames) : validateRun(session, feeds, fetches, options);
          const x = feeds.x as Tensor<'float32'>;
          const ids = feeds.ids as Tensor<'int64'>;
          const y = Float32Array.from(x.data, (v, i) => v * CONTRACT_SCALE[i % 3]! + CONTRACT_BIAS[i % 3]! + (flaws.wrongValues ? 1 : 0));
          const all: Record<string, Tensor> = {
            y: createTensor('float32', x.dims, y),
            ids_plus: createTensor('int64', ids.dims, BigInt64Array.from(ids.data, (v) => v + 1n)),
          };
          const out: Record<string, Tensor> = {};
          for (const n of flaws.ignoreFetches ? session.outputNames : names) out[n] = all[n]!;
          return out;
        },
        async dispose() {
          disposed = true;
        },
      };
      return session;
    },
  };
}

describe('backend contract suite against a conforming double', () => {
  for (const t of backendContractTests({ createBackend: () => doubleBackend() })) it(t.name, t.run);
});

describe('backend contract suite catches broken backends', () => {
  const failing = async (flaws: DoubleFlaws) => {
    const results = await Promise.allSettled(backendContractTests({ createBackend: () => doubleBackend(flaws) }).map((t) => t.run()));
    return results.filter((r) => r.status === 'rejected').length;
  };
  it('flags a backend that skips feed validation', async () => {
    expect(await failing({ skipValidation: true })).toBeGreaterThanOrEqual(5);
  });
  it('flags a backend that computes wrong values', async () => {
    expect(await failing({ wrongValues: true })).toBeGreaterThanOrEqual(3);
  });
  it('flags a backend that ignores fetches', async () => {
    expect(await failing({ ignoreFetches: true })).toBe(1);
  });
  it('flags a backend that accepts garbage models', async () => {
    expect(await failing({ acceptGarbage: true })).toBe(1);
  });
});
