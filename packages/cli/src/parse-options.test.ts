import { isCLIPSegError } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { attachOptionValues, MAX_THREADS, parseCommandArgs, parseNumber, threadsOption, verifyOption } from './parse-options.js';

function usage(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isCLIPSegError(error) ? `${error.code}: ${error.message}` : 'untyped';
  }
}

describe('parseNumber', () => {
  it('takes plain decimal numbers', () => {
    expect(['0.5', '-2', '+3', '1e3', '.25', '7.', '1E-2'].map((v) => parseNumber(v, '--n'))).toEqual([0.5, -2, 3, 1000, 0.25, 7, 0.01]);
  });
  it('refuses empty, blank, hexadecimal, infinite and other non-numbers', () => {
    for (const value of ['', ' ', ' 1', '1 ', '0x10', '0b1', 'Infinity', '-Infinity', 'NaN', '1e999', '1,5', '1_000', 'one']) {
      expect(usage(() => parseNumber(value, '--n')), JSON.stringify(value)).toMatch(/^CLI_USAGE: --n must be a finite number/);
    }
  });
  it('checks integers and ranges and says which', () => {
    expect(usage(() => parseNumber('1.5', '--k', { integer: true, min: 1 }))).toMatch(/--k must be a positive integer, got '1.5'/);
    expect(usage(() => parseNumber('1.5', '--t', { min: 0, max: 1 }))).toMatch(/--t must be a number from 0 to 1/);
    expect(usage(() => parseNumber('9007199254740993', '--k', { integer: true, min: 0 }))).toMatch(/non-negative integer/);
  });
  it('bounds --threads to 1..MAX_THREADS', () => {
    expect(threadsOption('8')).toBe(8);
    expect(threadsOption(undefined)).toBeUndefined();
    for (const v of ['0', '1e9', String(MAX_THREADS + 1), '', '2.5']) expect(usage(() => threadsOption(v)), v).toMatch(/from 1 to 256/);
  });
});

describe('verifyOption', () => {
  it('takes the bundle verifications and refuses anything else, naming --verify', () => {
    expect(['size', 'sha256', 'none'].map(verifyOption)).toEqual(['size', 'sha256', 'none']);
    for (const value of ['', 'SHA256', 'md5', ' size']) {
      expect(usage(() => verifyOption(value)), JSON.stringify(value)).toBe(`CLI_USAGE: --verify must be size, sha256 or none, got '${value}'.`);
    }
  });
});

describe('attachOptionValues', () => {
  const options = { prompt: { type: 'string', short: 'p' }, json: { type: 'boolean' } } as const;
  it('joins each string option with the next argument, whatever it looks like, and stops at --', () => {
    expect(attachOptionValues(['--prompt', '--help', '-p', '-h', '--json', 'x', '--', '--prompt', 'y'], options)).toEqual([
      '--prompt=--help',
      '--prompt=-h',
      '--json',
      'x',
      '--',
      '--prompt',
      'y',
    ]);
    expect(attachOptionValues(['--prompt=a', '--prompt'], options)).toEqual(['--prompt=a', '--prompt']);
    expect(attachOptionValues(['--constructor', 'x', '--toString', 'y'], options)).toEqual(['--constructor', 'x', '--toString', 'y']);
  });
});

describe('parseCommandArgs on an unknown option', () => {
  const options = { prompt: { type: 'string', short: 'p' }, threshold: { type: 'string' }, json: { type: 'boolean' } } as const;
  it('suggests the option of the command a typo is closest to', () => {
    expect(usage(() => parseCommandArgs(['--promt', 'x'], options))).toBe("CLI_USAGE: unknown option '--promt'; did you mean '--prompt'?");
    expect(usage(() => parseCommandArgs(['--prompt', 'a', '--treshold=0.5'], options))).toBe("CLI_USAGE: unknown option '--treshold'; did you mean '--threshold'?");
    expect(usage(() => parseCommandArgs(['--jsno'], options))).toBe("CLI_USAGE: unknown option '--jsno'; did you mean '--json'?");
  });
  it('suggests nothing when no option is close, and names the option as written', () => {
    expect(usage(() => parseCommandArgs(['--frobnicate'], options))).toBe("CLI_USAGE: unknown option '--frobnicate'.");
    expect(usage(() => parseCommandArgs(['-x'], options))).toBe("CLI_USAGE: unknown option '-x'.");
  });
  it('still takes a value that looks like a typo as the value of a string option', () => {
    expect(parseCommandArgs(['--prompt', '--promt'], options).values.prompt).toBe('--promt');
  });
});
