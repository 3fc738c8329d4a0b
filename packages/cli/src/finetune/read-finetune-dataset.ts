import { stat } from 'node:fs/promises';
import type { FileSet } from '@clipseg/core';
import { directoryFileSet } from '@clipseg/runtime-node';
import { readCocoDataset, readFolderDataset, type DatasetItem } from '@clipseg/train';
import { CliError } from '../cli-error.js';

/** Where `clipseg finetune` reads its examples: the folder layout, or COCO annotations. */
export interface DatasetArgs {
  /** The dataset folder (`--data`). */
  readonly dir: string;
  /** COCO annotations file, relative to `dir` (`--coco`); absent: the folder layout's `dataset.jsonl`. */
  readonly coco?: string;
  /** Folder of the COCO images relative to `dir` (`--images`). */
  readonly images?: string;
  /** Where COCO prompts come from (`--prompt-field`): `category:FIELD` (default `category:name`) or `annotation:FIELD`. */
  readonly promptField?: string;
}

/** Parses `--prompt-field`. */
export function promptFieldOption(value: string | undefined): { category: string } | { annotation: string } | undefined {
  if (value === undefined) return undefined;
  const match = /^(category|annotation):([A-Za-z_][\w.-]*)$/.exec(value);
  if (match === null) throw new CliError('CLI_USAGE', `--prompt-field must be category:FIELD or annotation:FIELD (e.g. category:name, annotation:caption), got '${value}'.`);
  return match[1] === 'category' ? { category: match[2]! } : { annotation: match[2]! };
}

/**
 * Reads and validates the whole dataset up front (every problem listed in one `TRAIN_DATA_INVALID`): the folder
 * layout (`dataset.jsonl`) or COCO instance annotations.
 */
export async function readFinetuneDataset(args: DatasetArgs): Promise<{ files: FileSet; items: DatasetItem[]; warnings: string[] }> {
  const isDir = await stat(args.dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new CliError('CLI_INPUT_NOT_FOUND', `--data ${args.dir}: no such folder. Give the dataset folder (with dataset.jsonl, or with --coco its annotations file).`);
  const files = directoryFileSet(args.dir);
  if (args.coco === undefined) {
    if (args.images !== undefined || args.promptField !== undefined) throw new CliError('CLI_USAGE', '--images and --prompt-field go with --coco.');
    return { files, items: await readFolderDataset(files), warnings: [] };
  }
  const promptFrom = promptFieldOption(args.promptField);
  const coco = await readCocoDataset(files, { annotations: args.coco, ...(args.images === undefined ? {} : { imagesFolder: args.images }), ...(promptFrom === undefined ? {} : { promptFrom }) });
  return { files, items: coco.items, warnings: coco.warnings.map((w) => `${w.file}${w.where === undefined ? '' : ` (${w.where})`}: ${w.message}`) };
}
