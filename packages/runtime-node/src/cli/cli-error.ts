import { ClipSegError } from '@clipseg/core';

/** Error codes of the command line. */
export type CliErrorCode = 'CLI_USAGE' | 'CLI_INPUT_NOT_FOUND' | 'CLI_INPUT_INVALID' | 'CLI_OUTPUT_UNWRITABLE' | 'CLI_OUTPUT_EXISTS';

/** A command-line mistake or an unusable input; printed without a stack trace. */
export class CliError extends ClipSegError<CliErrorCode> {}
