/**
 * onnxruntime's telemetry switch, read once, when onnxruntime-node creates its `OrtEnv` (on the first session of
 * the process). Values onnxruntime 1.30 takes as "off": `1`, `true`, `yes`, `on`, in any case.
 */
export const ORT_TELEMETRY_VARIABLE = 'ORT_DISABLE_TELEMETRY';

const OFF = /^(?:1|true|yes|on)$/i;

/**
 * A command line (all of `/proc/self/cmdline`) up to this many bytes is safe for onnxruntime's telemetry even on a
 * small main-thread stack: about 3 stack frames per byte (see {@link keepOrtTelemetryOff}), far below 1 MiB.
 */
export const SAFE_TELEMETRY_COMMAND_LINE_BYTES = 4096;

/** Environment and command line as the running Node process sees them (injectable for tests). */
export interface ProcessLike {
  readonly env: Record<string, string | undefined>;
  readonly argv: readonly string[];
  readonly execArgv: readonly string[];
  readonly argv0: string;
}

function commandLineBytes(proc: ProcessLike): number {
  let bytes = 0;
  for (const arg of [proc.argv0, ...proc.execArgv, ...proc.argv.slice(1)]) bytes += Buffer.byteLength(arg) + 1;
  return bytes;
}

/**
 * Keeps onnxruntime's telemetry off before the first session is created, so that no command line can crash the
 * process. Call it before every `InferenceSession.create`; it is cheap and only acts when needed.
 *
 * Root cause of the crash it prevents: onnxruntime-node 1.30 on Linux starts Microsoft's 1DS telemetry client
 * (`PosixTelemetry`) while creating its `OrtEnv`, on the main thread. The client reads the process's command line
 * from `/proc/self/cmdline` and runs it through a regular expression whose backtracking executor (libstdc++'s
 * `std::regex`, which recurses once per step) descends about three stack frames of ~100 bytes per character, up to
 * the first line break. So about 29 KB of arguments before any newline — one long `--prompt`, or some 2000
 * `--prompt` flags — overflow the 8 MiB main-thread stack, and the process dies with SIGSEGV inside
 * `OrtSingletonData::InitOrtObjects` (gdb: ~87 000 frames cycling through three addresses of libonnxruntime under
 * `InitOrtOnce`; strace: the crash follows the read of `/proc/self/cmdline`; a newline argument early on avoids
 * it). The environment's size, the model and the graph optimisation level play no part; `ORT_DISABLE_TELEMETRY=1`
 * makes the same command lines load fine (and stops the empty `/tmp/mat-debug-<pid>.log` file each process
 * otherwise leaves behind).
 *
 * - Variable unset: set to `1` (telemetry off, as for most CLIs that embed onnxruntime).
 * - Set to "off" already: nothing to do.
 * - Set to anything else (the user asked for telemetry): respected while the command line is at most
 *   {@link SAFE_TELEMETRY_COMMAND_LINE_BYTES} bytes; above that, turned off with a warning, since it would crash.
 *
 * Limits: it only helps before onnxruntime's env exists (the first session of the process, by any code), and in a
 * `worker_threads` worker `process.env` is the worker's copy, which onnxruntime never reads.
 *
 * @param warn - receives one line when a user's explicit setting is overridden
 * @param proc - the process (default: the running one)
 */
export function keepOrtTelemetryOff(warn: (message: string) => void, proc: ProcessLike = process): void {
  const value = proc.env[ORT_TELEMETRY_VARIABLE];
  if (value !== undefined && OFF.test(value.trim())) return;
  if (value === undefined) {
    proc.env[ORT_TELEMETRY_VARIABLE] = '1';
    return;
  }
  const bytes = commandLineBytes(proc);
  if (bytes <= SAFE_TELEMETRY_COMMAND_LINE_BYTES) return;
  proc.env[ORT_TELEMETRY_VARIABLE] = '1';
  warn(
    `onnxruntime-node: ${ORT_TELEMETRY_VARIABLE}=${JSON.stringify(value)} asks for onnxruntime's telemetry, but its Linux client crashes the process on a command line this long (${bytes} bytes), so it is kept off. Pass long prompts in a file instead to keep it on.`,
  );
}
