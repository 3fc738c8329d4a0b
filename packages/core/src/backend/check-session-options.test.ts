import { describe, expect, it } from 'vitest';
import { checkSessionOptions, checkThreadCount, MAX_SESSION_THREADS } from './check-session-options.js';

describe('checkThreadCount', () => {
  it('takes integers from 1 to MAX_SESSION_THREADS', () => {
    expect(checkThreadCount(1, 'n')).toBe(1);
    expect(checkThreadCount(MAX_SESSION_THREADS, 'n')).toBe(MAX_SESSION_THREADS);
  });

  it.each([0, -1, 1.5, 999_999, 1e9, Number.NaN, Number.POSITIVE_INFINITY, '4', null, MAX_SESSION_THREADS + 1])('refuses %s with BACKEND_INVALID_OPTION', (value) => {
    expect(() => checkThreadCount(value, 'intraOpNumThreads')).toThrow(expect.objectContaining({ code: 'BACKEND_INVALID_OPTION', message: expect.stringContaining(`from 1 to ${MAX_SESSION_THREADS}`) }));
  });
});

describe('checkSessionOptions', () => {
  it('accepts no options and valid ones', () => {
    expect(() => checkSessionOptions(undefined)).not.toThrow();
    expect(() => checkSessionOptions({ intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'basic', executionProviders: ['cpu'] })).not.toThrow();
  });

  it('refuses thread bombs, unknown optimisation levels and malformed provider lists', () => {
    const bad = [
      { intraOpNumThreads: 999_999 },
      { interOpNumThreads: 1e9 },
      { graphOptimizationLevel: 'max' },
      { executionProviders: 'cpu' },
      { executionProviders: [42] },
      { executionProviders: Array.from({ length: 17 }, () => 'cpu') },
    ];
    for (const options of bad) expect(() => checkSessionOptions(options as never)).toThrow(expect.objectContaining({ code: 'BACKEND_INVALID_OPTION' }));
  });
});
