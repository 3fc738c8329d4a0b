/**
 * Test helpers for backend authors: `import { backendContractTests } from '@clipseg/core/testing'`.
 *
 * @packageDocumentation
 */
export { backendContractTests } from './backend-contract.js';
export type { BackendContractOptions, ContractTest } from './backend-contract.js';
export { contractFixtureModel, CONTRACT_BIAS, CONTRACT_SCALE } from './contract-fixture.js';
