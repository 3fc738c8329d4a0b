import { IoError, type CLIPSegError } from '@clipseg/core';
import { ioErrorCodeOf, isNodeError, isOwnError, shortened } from '@clipseg/runtime-node/io';
import type { CliIO, Command } from './command.js';
import { CliError } from './cli-error.js';
import { helpRequested } from './parse-options.js';

/** Exit code for a usage mistake. */
export const EXIT_USAGE = 2;
/** Exit code for a failure with a typed error. */
export const EXIT_FAILURE = 1;

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: clipseg <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'clipseg <command> --help' for a command's options.\n`;
}

/**
 * The typed error to report for `error`: ours as it is; one of Node's (`ENOENT`, `ENAMETOOLONG`,
 * `ERR_INVALID_ARG_VALUE` for a NUL in a path …) as an {@link IoError} with a code of ours, or `CLI_IO_FAILED`,
 * the Node error as `cause` (its code is never reported as ours); anything else (a bug) `undefined`.
 */
function typedError(error: unknown): CLIPSegError | undefined {
  if (isOwnError(error)) return error;
  if (!isNodeError(error)) return undefined;
  const path = typeof error.path === 'string' ? error.path : undefined;
  const message = `A file operation${path === undefined ? '' : ` on "${shortened(path)}"`} failed (${shortened(error.message)}). Check the path and its permissions.`;
  const details = { ...(path === undefined ? {} : { path }), nodeCode: error.code };
  const code = ioErrorCodeOf(error);
  return code === undefined ? new CliError('CLI_IO_FAILED', message, { cause: error, details }) : new IoError(code, message, { cause: error, details });
}

/**
 * Runs the command line: dispatches to a command (its usage for `--help`/`-h` standing as an option of its own),
 * prints typed errors as one clear line (`error[CODE]: message`; Node's errors mapped to ours first) and returns
 * the exit code.
 */
export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`error[CLI_USAGE]: unknown command '${name}'.\n\n${help(commands)}`);
    return EXIT_USAGE;
  }
  if (helpRequested(rest, command.options)) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const typed = typedError(error);
    if (typed === undefined) throw error;
    io.stderr(`error[${typed.code}]: ${typed.message}\n`);
    if (typed instanceof CliError && typed.code === 'CLI_USAGE') {
      io.stderr(`\n${command.usage}`);
      return EXIT_USAGE;
    }
    return EXIT_FAILURE;
  }
}
