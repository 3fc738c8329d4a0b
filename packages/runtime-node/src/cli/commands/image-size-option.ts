import type { ImageSize } from '@clipseg/core';
import { CliError } from '../cli-error.js';

/** Parses `--image-size N` or `--image-size HxW`. */
export function parseImageSize(value: string | undefined): ImageSize | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(?:[xX×](\d+))?$/.exec(value);
  if (!match) throw new CliError('CLI_USAGE', `--image-size must be N or HxW (e.g. 352 or 320x256), got '${value}'.`);
  const height = Number(match[1]);
  const width = Number(match[2] ?? match[1]);
  if (height <= 0 || width <= 0) throw new CliError('CLI_USAGE', `--image-size must be positive, got '${value}'.`);
  return { height, width };
}
