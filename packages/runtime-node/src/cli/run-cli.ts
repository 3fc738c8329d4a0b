import { isClipSegError } from '@clipseg/core';
import type { CliIO, Command } from './command.js';
import { CliError } from './cli-error.js';

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
 * Runs the command line: dispatches to a command, prints typed errors as one
 * clear line (`error[CODE]: message`) and returns the exit code.
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
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (isClipSegError(error)) {
      io.stderr(`error[${error.code}]: ${error.message}\n`);
      if (error instanceof CliError && error.code === 'CLI_USAGE') {
        io.stderr(`\n${command.usage}`);
        return EXIT_USAGE;
      }
      return EXIT_FAILURE;
    }
    throw error;
  }
}
