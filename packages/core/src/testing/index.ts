/**
 * Test helpers for backend authors (`import { backendContractTests } from '@clipseg/core/testing'`), the fake
 * bundle, backend and image adapter that pipeline tests run on, and the one helper through which this repository's
 * tests that read `../shared` skip cleanly when it is absent. `src/testing/` is the one home of core's test helpers
 * (the HF classes' fake bundle, `fake-hf-bundle.ts`, is used by core's own tests only).
 *
 * @packageDocumentation
 */
export { backendContractTests } from './backend-contract.js';
export type { BackendContractOptions, ContractTest } from './backend-contract.js';
export { contractFixtureModel, CONTRACT_BIAS, CONTRACT_SCALE } from './contract-fixture.js';
export { createFakeBackend, createFakeBundle } from './fake-clipseg-bundle.js';
export type { FakeBackend, FakeBackendOptions, FakeBundle, FakeBundleOptions, FakeRun } from './fake-clipseg-bundle.js';
export { FAKE_MODE_OFFSET, fakeImageAdapter } from './fake-image-adapter.js';
export type { FakeImage, FakeImageAdapter, FakeImageAdapterLog } from './fake-image-adapter.js';
export { describeWithShared, itWithShared, NEEDS_SHARED, sharedDir } from './shared-dir.js';
