/**
 * Fuzzing workflow files (see docs/fuzzing.md): `validateWorkflow` never throws, whatever it is given (text, JSON,
 * hostile edits of valid workflows); `parseWorkflow` throws only `WORKFLOW_INVALID`; an accepted workflow serialises,
 * and reads back to the same text; and every valid workflow built from the default registry is accepted.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, jsonText, mutatedJson, mutatedJsonText, typedOutcome } from '../../../../fuzz/index.js';
import type { ControlSpec, ControlValue } from '../engine/controls.js';
import { createDefaultRegistry } from '../engine/nodes/builtin-nodes.js';
import { serializeWorkflow } from '../engine/serialize-workflow.js';
import { canConnect } from '../engine/sockets.js';
import { parseWorkflow, validateWorkflow } from '../engine/validate-workflow.js';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../engine/workflow.js';

const registry = createDefaultRegistry();
const definitions = registry.definitions();
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

/** A value its spec accepts. */
function controlValue(spec: ControlSpec): fc.Arbitrary<ControlValue> {
  switch (spec.kind) {
    case 'text':
    case 'image-source':
    case 'bundle':
      return fc.string({ maxLength: 20 });
    case 'boolean':
      return fc.boolean();
    case 'select':
      return fc.constantFrom(...spec.options);
    case 'number': {
      const value = fc.double({ min: spec.min ?? -1e6, max: spec.max ?? 1e6, noNaN: true });
      return spec.integer ? value.map((v) => Math.min(Math.max(Math.round(v), spec.min ?? -Infinity), spec.max ?? Infinity)) : value;
    }
    case 'vector':
      return fc.array(finite, { maxLength: 8 });
    case 'box':
      return fc.option(fc.record({ x: finite, y: finite, width: fc.double({ min: 1e-3, max: 1e6, noNaN: true }), height: fc.double({ min: 1e-3, max: 1e6, noNaN: true }) }), { nil: null });
  }
}

const node = fc.constantFrom(...definitions).chain((definition) =>
  fc.record(
    {
      type: fc.constant(definition.type),
      label: fc.string({ maxLength: 10 }),
      position: fc.record({ x: finite, y: finite }),
      controls: fc.record(Object.fromEntries(definition.controls.map((spec) => [spec.key, controlValue(spec)])), { requiredKeys: [] }),
    },
    { requiredKeys: ['type', 'controls'] },
  ),
);

/** A valid workflow: nodes of the default registry, connections from earlier nodes into compatible free inputs. */
const validWorkflow: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ name: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), nodes: fc.array(node, { maxLength: 6 }), picks: fc.array(fc.nat(), { maxLength: 40 }), metadata: fc.option(fc.jsonValue({ maxDepth: 3 }).map((v) => ({ v })), { nil: undefined }) })
  .map(({ name, nodes, picks, metadata }) => {
    const withIds = nodes.map((n, i) => ({ id: `n${i}`, ...n }));
    const connections: Record<string, string>[] = [];
    const taken = new Set<string>();
    let pick = 0;
    withIds.forEach((target, j) => {
      for (const input of registry.get(target.type).inputs) {
        const sources = withIds.slice(0, j).flatMap((source) => registry.get(source.type).outputs.filter((o) => canConnect(o.socket, input.socket)).map((o) => ({ source, output: o })));
        const chosen = (picks[pick++ % Math.max(picks.length, 1)] ?? 0) % (sources.length + 1);
        if (chosen === sources.length || (taken.has(`${target.id}.${input.key}`) && !input.multiple)) continue;
        const { source, output } = sources[chosen]!;
        taken.add(`${target.id}.${input.key}`);
        connections.push({ source: source.id, sourceOutput: output.key, target: target.id, targetInput: input.key });
      }
    });
    return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, ...(name === undefined ? {} : { name }), nodes: withIds, connections, ...(metadata === undefined ? {} : { metadata }) };
  });

/** Validates `input`: it never throws, and an accepted workflow serialises and reads back to the same text. */
function check(input: unknown): void {
  const result = typedOutcome(() => validateWorkflow(input, { registry }), []);
  if (!result.ok) return;
  typedOutcome(() => parseWorkflow(input, { registry }), ['WORKFLOW_INVALID']);
  if (!result.value.ok) {
    expect(result.value.problems.length).toBeGreaterThan(0);
    return;
  }
  const { workflow } = result.value;
  const text = typedOutcome(() => serializeWorkflow(workflow), []);
  if (!text.ok) return;
  const again = validateWorkflow(text.value, { registry });
  expect(again.ok && serializeWorkflow(again.workflow)).toBe(text.value);
}

describe('workflow file fuzzing', () => {
  fuzzIt(
    'valid workflows are accepted and read back unchanged',
    200,
    fc.property(validWorkflow, (workflow) => {
      const result = validateWorkflow(jsonText(workflow), { registry });
      expect(result.ok ? [] : result.problems).toEqual([]);
      check(workflow);
    }),
  );
  fuzzIt('arbitrary JSON values and text', 300, fc.property(fc.oneof(fc.jsonValue(), hostileJsonValue, fc.string({ maxLength: 100 })), check));
  fuzzIt('hostile edits of valid workflows, as objects and as text', 200, fc.property(fc.oneof(mutatedJson(validWorkflow), mutatedJsonText(validWorkflow)), check));
});
