import { MAX_IMAGE_SIDE, type ImageSize } from '@clipseg/core';
import { CliError } from '../cli-error.js';
import { parseNumber } from '../parse-options.js';

/** Parses `--image-size N` or `--image-size HxW`, each side an integer from 1 to core's `MAX_IMAGE_SIDE` (the bound a preprocessor config may ask for). */
export function parseImageSize(value: string | undefined): ImageSize | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(?:[xX×](\d+))?$/.exec(value);
  if (!match) throw new CliError('CLI_USAGE', `--image-size must be N or HxW (e.g. 352 or 320x256), got '${value}'.`);
  const side = (text: string) => parseNumber(text, '--image-size', { integer: true, min: 1, max: MAX_IMAGE_SIDE });
  return { height: side(match[1]!), width: side(match[2] ?? match[1]!) };
}
