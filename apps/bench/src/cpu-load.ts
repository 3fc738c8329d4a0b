// How busy the machine is besides this process, so that numbers taken while other work ran can be told apart.
// Linux only (/proc/stat); elsewhere the load is reported as unknown.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

interface Sample {
  readonly busy: number;
  readonly total: number;
  readonly own: number;
  readonly at: number;
}

function sample(): Sample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const usage = process.cpuUsage();
    return { busy: total - idle, total, own: (usage.user + usage.system) / 1e6, at: performance.now() };
  } catch {
    return undefined;
  }
}

/** Measures the CPU time other processes used between `start()` and `stop()`. */
export class ForeignLoad {
  #start: Sample | undefined;

  /** Starts a window. */
  start(): void {
    this.#start = sample();
  }

  /**
   * Ends the window: the CPU the rest of the machine used, in cores (0 = idle, 2 = both cores of a 2-core machine
   * busy with other work), or `undefined` where /proc/stat is unavailable.
   */
  stop(): number | undefined {
    return this.stopDetailed()?.cores;
  }

  /**
   * Ends the window: other processes' CPU in cores and in clock ticks (/proc/stat counts 100 per second and core,
   * so short windows are coarse: one tick of slop is normal).
   */
  stopDetailed(): { cores: number; ticks: number } | undefined {
    const end = sample();
    const begin = this.#start;
    if (!begin || !end || end.total === begin.total) return undefined;
    const cores = cpus().length;
    const wall = (end.at - begin.at) / 1000;
    const ticksPerSecond = (end.total - begin.total) / wall / cores;
    const foreignTicks = end.busy - begin.busy - (end.own - begin.own) * ticksPerSecond;
    const busyCores = ((end.busy - begin.busy) / (end.total - begin.total)) * cores;
    const ownCores = (end.own - begin.own) / wall;
    return { cores: Math.max(0, Math.round((busyCores - ownCores) * 100) / 100), ticks: Math.max(0, foreignTicks) };
  }
}

/**
 * Waits until the machine has been nearly idle (other processes under `maxCores` cores) for `quietSeconds` in a
 * row, or `timeoutSeconds` passed. Returns the seconds waited and the last load seen.
 */
export async function waitForQuiet(maxCores = 0.3, quietSeconds = 3, timeoutSeconds = 120): Promise<{ waited: number; load: number | undefined }> {
  const started = performance.now();
  let quiet = 0;
  let load: number | undefined;
  while ((performance.now() - started) / 1000 < timeoutSeconds) {
    const window = new ForeignLoad();
    window.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    load = window.stop();
    if (load === undefined) break;
    quiet = load <= maxCores ? quiet + 1 : 0;
    if (quiet >= quietSeconds) break;
  }
  return { waited: Math.round((performance.now() - started) / 1000), load };
}

/**
 * True when a window was clean enough to keep its timing: other processes used at most `maxCores` cores, or at most
 * 1.5 clock ticks (the resolution of /proc/stat) in a short window. Unknown load counts as clean.
 */
export function isClean(load: { cores: number; ticks: number } | undefined, maxCores = 0.25): boolean {
  return load === undefined || load.cores <= maxCores || load.ticks <= 1.5;
}

/** A run guard that drops runs during which other processes used the CPU ({@link isClean}); counts what it dropped. */
export function cleanRunGuard(maxCores = 0.25): { begin(): void; keep(): boolean; readonly discarded: number } {
  let window = new ForeignLoad();
  let discarded = 0;
  return {
    begin() {
      window = new ForeignLoad();
      window.start();
    },
    keep() {
      const ok = isClean(window.stopDetailed(), maxCores);
      if (!ok) discarded += 1;
      return ok;
    },
    get discarded() {
      return discarded;
    },
  };
}
