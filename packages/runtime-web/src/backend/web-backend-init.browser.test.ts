import { contractFixtureModel } from '@clipseg/core/testing';
import { expect, it } from 'vitest';
import { fixtureUrl } from '../../test/browser-fixtures.js';
import { createWasmBackend } from '../wasm.js';

// Its own file (its own page): onnxruntime-web configures its WebAssembly once per page.
it('onnxruntime-web files that are not served give BACKEND_INIT_FAILED with a hint about wasmPaths', async () => {
  const backend = createWasmBackend({ wasmPaths: fixtureUrl('ort-missing/') });
  const error = await backend.createSession(contractFixtureModel()).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'BACKEND_INIT_FAILED', message: expect.stringMatching(/wasmPaths/) });
});
