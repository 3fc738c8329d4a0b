#!/usr/bin/env node
import { commands } from './commands/index.js';
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), commands, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.env.INIT_CWD ?? process.cwd(),
  env: process.env,
  interactive: process.stderr.isTTY === true,
});
process.exitCode = code;
