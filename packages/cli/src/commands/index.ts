import type { Command } from '../command.js';
import { convertCommand } from './convert.js';
import { initRandomCommand } from './init-random.js';
import { segmentCommand } from './segment.js';
import { embedCommand } from './embed.js';
import { preprocessCommand } from './preprocess.js';
import { tokenizeCommand } from './tokenize.js';
import { runWorkflowCommand } from './run-workflow.js';
import { pullCommand } from './pull.js';
import { modelsCommand } from './models.js';
import { gradCommand } from './grad.js';
import { finetuneCommand } from './finetune.js';

/** Every `clipseg` command, in help order. */
export const commands: readonly Command[] = [segmentCommand, embedCommand, preprocessCommand, pullCommand, modelsCommand, convertCommand, initRandomCommand, tokenizeCommand, runWorkflowCommand, gradCommand, finetuneCommand];
