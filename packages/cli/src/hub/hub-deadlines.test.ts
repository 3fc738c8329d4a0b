import { describe, expect, it } from 'vitest';
import { idleDeadline, totalDeadline } from './hub-deadlines.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Hub deadlines', () => {
  it('fire with a HUB_TIMEOUT reason; touch restarts an idle deadline', async () => {
    const idle = idleDeadline(undefined, 60, 'the server');
    for (let i = 0; i < 4; i++) {
      await tick(30);
      idle.touch();
    }
    expect(idle.signal.aborted).toBe(false);
    await tick(120);
    expect(idle.signal.reason).toBe(idle.timeout);
    expect(idle.timeout).toMatchObject({ code: 'HUB_TIMEOUT', message: expect.stringMatching(/no data for 0\.06 s from the server/) });
    idle.dispose();
  });
  it('follow the parent signal with its reason, and unlink on dispose', () => {
    const parent = new AbortController();
    const total = totalDeadline(parent.signal, 10_000, 'Pulling o/n');
    const reason = new Error('stop');
    parent.abort(reason);
    expect(total.signal.reason).toBe(reason);
    total.dispose();
    const other = new AbortController();
    const late = totalDeadline(other.signal, Infinity, 'x');
    late.dispose();
    other.abort();
    expect(late.signal.aborted).toBe(false);
  });
  it('treat a timeout too long for setTimeout (or Infinity) as none, instead of firing at once', async () => {
    const long = totalDeadline(undefined, 2 ** 32, 'Pulling o/n');
    const none = totalDeadline(undefined, Infinity, 'Pulling o/n');
    await tick(20);
    expect(long.signal.aborted).toBe(false);
    expect(none.signal.aborted).toBe(false);
    long.dispose();
    none.dispose();
  });
});
