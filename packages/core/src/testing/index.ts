/**
 * Test helpers for backend authors (`import { backendContractTests } from '@clipseg/core/testing'`), and the one
 * helper through which this repository's tests that read `../shared` skip cleanly when it is absent.
 *
 * @packageDocumentation
 */
export { backendContractTests } from './backend-contract.js';
export type { BackendContractOptions, ContractTest } from './backend-contract.js';
export { contractFixtureModel, CONTRACT_BIAS, CONTRACT_SCALE } from './contract-fixture.js';
export { createFakeBackend, createFakeBundle } from '../pipeline/testing/fake-clipseg-bundle.js';
export type { FakeBackend, FakeBackendOptions, FakeBundle, FakeBundleOptions, FakeRun } from '../pipeline/testing/fake-clipseg-bundle.js';
export { FAKE_MODE_OFFSET, fakeImageAdapter } from '../pipeline/testing/fake-image-adapter.js';
export type { FakeImage, FakeImageAdapter, FakeImageAdapterLog } from '../pipeline/testing/fake-image-adapter.js';
export { describeWithShared, itWithShared, NEEDS_SHARED, sharedDir } from './shared-dir.js';
