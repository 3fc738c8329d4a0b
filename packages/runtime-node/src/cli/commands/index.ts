import type { Command } from '../command.js';
import { convertCommand } from './convert.js';
import { initRandomCommand } from './init-random.js';
import { tokenizeCommand } from './tokenize.js';

/** Every `clipseg` command, in help order. */
export const commands: readonly Command[] = [convertCommand, initRandomCommand, tokenizeCommand];
