import { CLIPSegError } from '@clipseg/core';

/**
 * Error codes of the command line. `CLI_IO_FAILED`: a file operation failed in a way no more precise code
 * describes (the Node error is the `cause`).
 */
export type CliErrorCode = 'CLI_USAGE' | 'CLI_INPUT_NOT_FOUND' | 'CLI_INPUT_INVALID' | 'CLI_OUTPUT_UNWRITABLE' | 'CLI_OUTPUT_EXISTS' | 'CLI_IO_FAILED';

/** A command-line mistake or an unusable input; printed without a stack trace. */
export class CliError extends CLIPSegError<CliErrorCode> {}
