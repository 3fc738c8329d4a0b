// Full-size conversion bench: a random rd64-refined checkpoint (real architecture,
// ~600 MB) → ONNX bundle. Each measurement runs in a fresh child process so its
// peak RSS is its own. The baseline, in the same harness, only reads every
// weight of the checkpoint (the least any converter must do). Both children load @clipseg/runtime-node's main
// entry, as `clipseg convert` does (sharp and onnxruntime-node included: 16 to 19 MB more peak RSS than the deep
// imports this bench used inside runtime-node).
//
//   pnpm --filter @clipseg/bench bench:convert [--preset rd64-refined] [--dtype fp32|fp16]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { preset: { type: 'string', default: 'rd64-refined' }, dtype: { type: 'string', default: 'fp32' }, child: { type: 'string' }, dir: { type: 'string' } },
});

interface Measurement {
  seconds: number;
  peakRssMb: number;
}

async function child(mode: string, dir: string): Promise<void> {
  const { directoryFileSet, writeDirectoryAtomic } = await import('@clipseg/runtime-node');
  const { convertCheckpoint, openCheckpoint } = await import('@clipseg/convert');
  const files = directoryFileSet(join(dir, 'ckpt'));
  const started = performance.now();
  if (mode === 'read') {
    const { reader } = await openCheckpoint(files);
    for (const t of reader.list()) await reader.readFloat32(t.name);
    await reader.close();
  } else {
    const { hashFileNode, sha256Node } = await import('@clipseg/runtime-node/io');
    const bundle = await convertCheckpoint(files, {
      dtype: values.dtype as 'fp32' | 'fp16',
      hashSourceFile: (name) => hashFileNode(join(dir, 'ckpt', name)),
      sha256: sha256Node,
    });
    await writeDirectoryAtomic(join(dir, 'bundle'), bundle.files.entries(), { force: true });
  }
  const result: Measurement = { seconds: (performance.now() - started) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

function run(mode: string, dir: string): Measurement {
  const out = execFileSync(
    process.execPath,
    ['--conditions=clipseg-source', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, '--dir', dir, '--dtype', values.dtype!],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out) as Measurement;
}

if (values.child) {
  await child(values.child, values.dir!);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'clipseg-bench-convert-'));
  try {
    const cli = join(dirname(createRequire(import.meta.url).resolve('@clipseg/cli/package.json')), 'src/main.ts');
    execFileSync(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', cli, 'init-random', '--preset', values.preset!, join(dir, 'ckpt')], { stdio: 'inherit' });
    const checkpointMb = statSync(join(dir, 'ckpt/model.safetensors')).size / 1e6;
    const base = run('read', dir);
    const conv = run('convert', dir);
    const row = (name: string, m: Measurement) =>
      `${name.padEnd(30)} ${m.seconds.toFixed(2).padStart(7)} s  ${m.peakRssMb.toFixed(0).padStart(6)} MB peak RSS  ${(m.peakRssMb / checkpointMb).toFixed(2)}× checkpoint`;
    console.log(`\nconvert bench: ${values.preset} ${values.dtype}, checkpoint ${checkpointMb.toFixed(0)} MB, node ${process.version}`);
    console.log(row('baseline: read every weight', base));
    console.log(row('convert + write bundle', conv));
    console.log(`convert / baseline: ${(conv.seconds / base.seconds).toFixed(2)}× time, ${(conv.peakRssMb / base.peakRssMb).toFixed(2)}× peak RSS`);
    console.log(`targets: < 60 s (${conv.seconds < 60 ? 'met' : 'MISSED'}), peak RSS < 2× checkpoint (${conv.peakRssMb < 2 * checkpointMb ? 'met' : 'MISSED'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
