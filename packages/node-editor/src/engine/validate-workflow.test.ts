import { describe, expect, it } from 'vitest';
import { createDefaultRegistry, NodeRegistry, parseWorkflow, serializeWorkflow, textPromptNode, validateWorkflow, WORKFLOW_VERSION, type WorkflowMigration } from './index.js';

const registry = createDefaultRegistry();

const good = {
  format: 'clipseg-workflow',
  version: 1,
  name: 'cat',
  nodes: [
    { id: 'img', type: 'image', position: { x: 0, y: 0 }, controls: { source: 'cat.png' } },
    { id: 't', type: 'text-prompt', label: 'What', controls: { text: 'a cat' } },
    { id: 's', type: 'clipseg', position: { x: 300, y: 40 } },
    { id: 'th', type: 'threshold', controls: { threshold: 0.4 } },
    { id: 'out', type: 'export', controls: { name: 'cat', format: 'png' } },
  ],
  connections: [
    { source: 'img', sourceOutput: 'image', target: 's', targetInput: 'image' },
    { source: 't', sourceOutput: 'text', target: 's', targetInput: 'prompt' },
    { source: 's', sourceOutput: 'mask', target: 'th', targetInput: 'mask' },
    { source: 'th', sourceOutput: 'mask', target: 'out', targetInput: 'mask' },
  ],
  metadata: { author: 'test' },
};

describe('workflow files', () => {
  it('fill in control defaults and round-trip through serializeWorkflow', () => {
    const workflow = parseWorkflow(good, { registry });
    expect(workflow.nodes.find((n) => n.id === 's')!.controls).toEqual({ bundle: 'default' });
    expect(workflow.nodes.find((n) => n.id === 'out')!.controls).toEqual({ name: 'cat', format: 'png', threshold: 0.5 });
    const text = serializeWorkflow(workflow);
    const again = parseWorkflow(text, { registry });
    expect(again).toEqual(workflow);
    expect(serializeWorkflow(again)).toBe(text);
    expect(JSON.parse(text)).toMatchObject({ format: 'clipseg-workflow', version: WORKFLOW_VERSION, name: 'cat', metadata: { author: 'test' } });
  });

  it('report every problem of a malformed file at once', () => {
    const bad = {
      format: 'clipseg-workflow',
      version: 1,
      extra: true,
      nodes: [
        { id: 'img', type: 'image', controls: { source: 3 } },
        { id: 'img', type: 'text-prompt' },
        { type: 'threshold' },
        { id: 'x', type: 'sharpen' },
        { id: 'th', type: 'threshold', controls: { threshold: 2, radius: 1 }, position: { x: 'a' } },
        { id: 't', type: 'text-prompt' },
        { id: 's', type: 'clipseg' },
        'not a node',
      ],
      connections: [
        { source: 'img', sourceOutput: 'image', target: 'th', targetInput: 'mask' },
        { source: 'ghost', sourceOutput: 'mask', target: 'th', targetInput: 'mask' },
        { source: 't', sourceOutput: 'words', target: 's', targetInput: 'prompt' },
        { source: 't', sourceOutput: 'text', target: 's', targetInput: 'prompt' },
        { source: 't', sourceOutput: 'text', target: 's', targetInput: 'prompt' },
        { source: 'th', sourceOutput: 'mask', target: 'th', targetInput: 'mask' },
        { source: 's', sourceOutput: 'mask' },
      ],
    };
    const result = validateWorkflow(bad, { registry });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'WORKFLOW_FIELD_UNKNOWN $.extra',
      'WORKFLOW_CONTROL_INVALID $.nodes[0].controls.source',
      'WORKFLOW_NODE_DUPLICATE_ID $.nodes[1].id',
      'WORKFLOW_FIELD_MISSING $.nodes[2].id',
      'WORKFLOW_NODE_UNKNOWN_TYPE $.nodes[3].type',
      'WORKFLOW_FIELD_INVALID $.nodes[4].position',
      'WORKFLOW_CONTROL_UNKNOWN $.nodes[4].controls.radius',
      'WORKFLOW_CONTROL_INVALID $.nodes[4].controls.threshold',
      'WORKFLOW_NOT_OBJECT $.nodes[7]',
      'WORKFLOW_CONNECTION_INCOMPATIBLE $.connections[0]',
      'WORKFLOW_CONNECTION_UNKNOWN_NODE $.connections[1].source',
      'WORKFLOW_CONNECTION_UNKNOWN_PORT $.connections[2].sourceOutput',
      'WORKFLOW_CONNECTION_INPUT_TAKEN $.connections[4]',
      'WORKFLOW_FIELD_MISSING $.connections[6].target',
      'WORKFLOW_FIELD_MISSING $.connections[6].targetInput',
      'WORKFLOW_CYCLE $.connections',
    ]);
    expect(problems.find((p) => p.code === 'WORKFLOW_CONNECTION_INCOMPATIBLE')!.message).toBe('img.image is image but th.mask takes mask.');
    expect(() => parseWorkflow(bad, { registry })).toThrow(expect.objectContaining({ code: 'WORKFLOW_INVALID', message: expect.stringMatching(/^The workflow has 16 problems:/) }));
  });

  it.each([
    ['not JSON', '{"format":', 'WORKFLOW_JSON_INVALID'],
    ['not an object', [], 'WORKFLOW_NOT_OBJECT'],
    ['a newer version', { ...good, version: WORKFLOW_VERSION + 1 }, 'WORKFLOW_VERSION_NEWER'],
    ['an older version without migration', { ...good, version: 0 }, 'WORKFLOW_VERSION_UNSUPPORTED'],
    ['a bad version', { ...good, version: '1' }, 'WORKFLOW_VERSION_INVALID'],
    ['no nodes', { format: 'clipseg-workflow', version: 1, connections: [] }, 'WORKFLOW_FIELD_MISSING'],
  ])('refuse %s', (_what, input, code) => {
    const result = validateWorkflow(input, { registry });
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toContain(code);
  });

  it('upgrade older versions through a migration hook', () => {
    const v0 = { format: 'clipseg-workflow', version: 0, graph: { nodes: [{ id: 't', kind: 'text-prompt', text: 'a cat' }], links: [] } };
    const migration: WorkflowMigration = {
      from: 0,
      to: 1,
      migrate: (doc) => {
        const graph = doc.graph as { nodes: { id: string; kind: string; text: string }[] };
        return { format: doc.format, nodes: graph.nodes.map((n) => ({ id: n.id, type: n.kind, controls: { text: n.text } })), connections: [] };
      },
    };
    const workflow = parseWorkflow(v0, { registry, migrations: [migration] });
    expect(workflow.version).toBe(1);
    expect(workflow.nodes).toEqual([{ id: 't', type: 'text-prompt', controls: { text: 'a cat' } }]);
    const failing = validateWorkflow(v0, { registry, migrations: [{ from: 0, to: 1, migrate: () => { throw new Error('boom'); } }] });
    expect(failing.ok ? [] : failing.problems.map((p) => p.code)).toEqual(['WORKFLOW_MIGRATION_FAILED']);
  });

  it('check node types against the given registry instance', () => {
    const small = new NodeRegistry([textPromptNode]);
    const result = validateWorkflow(good, { registry: small });
    expect(result.ok ? [] : result.problems.filter((p) => p.code === 'WORKFLOW_NODE_UNKNOWN_TYPE').length).toBe(4);
    expect(() => small.register(textPromptNode)).toThrow(expect.objectContaining({ code: 'WORKFLOW_DUPLICATE_NODE_TYPE' }));
  });
});

describe('hostile workflow files found by fuzzing (docs/fuzzing.md)', () => {
  it('metadata nested too deep to be saved again is refused, not accepted and then unsaveable', () => {
    const text = JSON.stringify({ ...good, metadata: { deep: 0 } }).replace('{"deep":0}', `{"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    const result = validateWorkflow(text, { registry });
    expect(result.ok ? [] : result.problems.map((p) => [p.code, p.path])).toEqual([['WORKFLOW_FIELD_INVALID', '$.metadata']]);
    let shallow: unknown = 'x';
    for (let i = 0; i < 63; i++) shallow = [shallow];
    const kept = parseWorkflow({ ...good, metadata: { shallow } }, { registry });
    expect(parseWorkflow(serializeWorkflow(kept), { registry })).toEqual(kept);
  });
});
