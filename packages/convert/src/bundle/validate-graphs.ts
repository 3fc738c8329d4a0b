import type { AnyBundleGraphName, Backend } from '@clipseg/core';
import type { BuiltGraphs } from '../graphs/build-graphs.js';
import { ConvertError } from '../graphs/convert-error.js';

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Loads every built graph in `backend` and checks that its input and output
 * names, and input types and shapes, are those of its contract.
 *
 * @throws {@link ConvertError} `CONVERT_GRAPH_INVALID` naming the graph and the difference.
 */
export async function validateGraphs(backend: Backend, built: BuiltGraphs, onGraph?: (graph: AnyBundleGraphName, index: number, count: number) => void): Promise<void> {
  const contracts = built.contracts;
  for (const [index, contract] of contracts.entries()) {
    const name = contract.name as AnyBundleGraphName;
    onGraph?.(name, index, contracts.length);
    let session;
    try {
      session = await backend.createSession(built.graphs[name]!);
    } catch (error) {
      throw new ConvertError('CONVERT_GRAPH_INVALID', `The ${name} graph does not load in ${backend.name}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const inputs = contract.inputs.map((s) => s.name);
      const outputs = contract.outputs.map((s) => s.name);
      if (!same(session.inputNames, inputs) || !same(session.outputNames, outputs)) {
        throw new ConvertError(
          'CONVERT_GRAPH_INVALID',
          `The ${name} graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], but its contract says [${inputs.join(', ')}] and [${outputs.join(', ')}].`,
        );
      }
      for (const spec of contract.inputs) {
        const actual = session.inputSpecs.find((s) => s.name === spec.name);
        if (actual && (actual.type !== spec.type || JSON.stringify(actual.dims) !== JSON.stringify(spec.dims))) {
          throw new ConvertError(
            'CONVERT_GRAPH_INVALID',
            `The ${name} graph declares input '${spec.name}' as ${actual.type} [${actual.dims.join(', ')}], but its contract says ${spec.type} [${spec.dims.join(', ')}].`,
          );
        }
      }
    } finally {
      await session.dispose();
    }
  }
}
