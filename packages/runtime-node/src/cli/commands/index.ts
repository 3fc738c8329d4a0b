import type { Command } from '../command.js';
import { tokenizeCommand } from './tokenize.js';

/** Every `clipseg` command, in help order. */
export const commands: readonly Command[] = [tokenizeCommand];
