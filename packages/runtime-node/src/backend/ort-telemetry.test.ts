import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keepOrtTelemetryOff, ORT_TELEMETRY_VARIABLE, SAFE_TELEMETRY_COMMAND_LINE_BYTES, type ProcessLike } from './ort-telemetry.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const backendModule = new URL('./onnxruntime-node-backend.ts', import.meta.url).href;

/**
 * Creates one session with createNodeBackend in a fresh Node process whose command line ends with `args`, the way
 * `clipseg segment --prompt <30 KB>` does; returns the exit status and output. The script is one line: the crash
 * needs ~29 KB of command line before the first newline.
 */
function createSessionInChild(args: readonly string[], env: Record<string, string | undefined>) {
  const code = [
    `const { createNodeBackend } = await import(${JSON.stringify(backendModule)});`,
    `const { contractFixtureModel } = await import('@clipseg/core/testing');`,
    `const warnings = [];`,
    `const session = await createNodeBackend({ onWarning: (m) => warnings.push(m) }).createSession(contractFixtureModel());`,
    `await session.dispose();`,
    `console.log(JSON.stringify({ ok: true, args: process.argv.length, warnings, telemetry: process.env.${ORT_TELEMETRY_VARIABLE} ?? null }));`,
  ].join(' ');
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const result = spawnSync(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', '--input-type=module', '-e', code, '--', ...args], {
    cwd: packageRoot,
    env: childEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return { status: result.status, signal: result.signal, stderr: result.stderr, report: line.startsWith('{') ? (JSON.parse(line) as { ok: boolean; warnings: string[]; telemetry: string | null }) : undefined };
}

// One argument may not exceed 128 KiB (Linux MAX_ARG_STRLEN).
const longArgs = (count: number, bytes: number) => Array.from({ length: count }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(bytes));
const manyPrompts = (count: number) => Array.from({ length: count }, (_, i) => ['--prompt', `object ${i}`]).flat();

describe('onnxruntime-node with a huge command line (issue 14)', () => {
  it.each([
    ['four 60 KB arguments', longArgs(4, 60_000)],
    ['3000 --prompt flags', manyPrompts(3000)],
  ])('creates a session in a process with %s without crashing (telemetry kept off)', (_, args) => {
    const run = createSessionInChild(args, { [ORT_TELEMETRY_VARIABLE]: undefined });
    expect({ status: run.status, signal: run.signal, stderr: run.status === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(run.report).toMatchObject({ ok: true, warnings: [], telemetry: '1' });
  }, 90_000);

  it('overrides an explicit ORT_DISABLE_TELEMETRY=0 with a warning when the command line is too long for it', () => {
    const run = createSessionInChild(longArgs(1, 60_000), { [ORT_TELEMETRY_VARIABLE]: '0' });
    expect({ status: run.status, signal: run.signal, stderr: run.status === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(run.report?.telemetry).toBe('1');
    expect(run.report?.warnings).toEqual([expect.stringContaining('kept off')]);
  }, 90_000);
});

describe('keepOrtTelemetryOff', () => {
  const proc = (env: Record<string, string | undefined>, argv: string[] = ['node', 'script']): ProcessLike => ({ env, argv, execArgv: [], argv0: 'node' });

  it('turns telemetry off when the variable is unset, silently', () => {
    const p = proc({});
    const warnings: string[] = [];
    keepOrtTelemetryOff((m) => warnings.push(m), p);
    expect(p.env[ORT_TELEMETRY_VARIABLE]).toBe('1');
    expect(warnings).toEqual([]);
  });

  it.each(['1', 'true', 'YES', 'On'])('leaves an "off" value (%s) alone', (value) => {
    const p = proc({ [ORT_TELEMETRY_VARIABLE]: value }, ['node', 'x'.repeat(100_000)]);
    keepOrtTelemetryOff(() => expect.unreachable(), p);
    expect(p.env[ORT_TELEMETRY_VARIABLE]).toBe(value);
  });

  it('respects an explicit opt-in while the command line is short, and overrides it with a warning when long', () => {
    const short = proc({ [ORT_TELEMETRY_VARIABLE]: '0' }, ['node', 'x'.repeat(SAFE_TELEMETRY_COMMAND_LINE_BYTES - 100)]);
    keepOrtTelemetryOff(() => expect.unreachable(), short);
    expect(short.env[ORT_TELEMETRY_VARIABLE]).toBe('0');
    const long = proc({ [ORT_TELEMETRY_VARIABLE]: '0' }, ['node', 'x'.repeat(SAFE_TELEMETRY_COMMAND_LINE_BYTES + 1)]);
    const warnings: string[] = [];
    keepOrtTelemetryOff((m) => warnings.push(m), long);
    expect(long.env[ORT_TELEMETRY_VARIABLE]).toBe('1');
    expect(warnings).toEqual([expect.stringMatching(/ORT_DISABLE_TELEMETRY="0".*crashes/)]);
  });
});
