import { BUNDLE_GRAPH_NAMES, BUNDLE_OPTIONAL_GRAPH_NAMES, clipsegPreset } from '@clipseg/core';
import { expectedGraphNames, optionalGraphNames } from '@clipseg/core/bundle';
import { describe, expect, it } from 'vitest';
import { graphContracts } from './graph-contracts.js';

describe('graphContracts writes the names core reads', () => {
  it.each(['tiny', 'rd64-refined'] as const)('the %s preset: every input core feeds, every output core fetches', (preset) => {
    const config = clipsegPreset(preset);
    const contracts = graphContracts(config, { height: 352, width: 352 }, [...BUNDLE_OPTIONAL_GRAPH_NAMES]);
    expect(contracts.map((c) => c.name)).toEqual([...BUNDLE_GRAPH_NAMES, ...BUNDLE_OPTIONAL_GRAPH_NAMES]);
    const expected = { ...expectedGraphNames(config.extract_layers.length), ...optionalGraphNames(config) };
    for (const contract of contracts) {
      const want = expected[contract.name as keyof typeof expected];
      expect(contract.inputs.map((s) => s.name).sort(), contract.name).toEqual([...want.inputs].sort());
      expect(contract.outputs.map((s) => s.name), contract.name).toEqual(expect.arrayContaining([...want.outputs]));
    }
  });
});
