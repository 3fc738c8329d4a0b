import { describe, expect, it, vi } from 'vitest';
import type { Backend } from './backend.js';
import { BackendRegistry } from './backend-registry.js';

const fake = (name: string): Backend => ({ name, createSession: () => Promise.reject(new Error('unused')) });

describe('BackendRegistry', () => {
  it('is an instance: two registries do not share registrations', () => {
    const a = new BackendRegistry().register('x', () => fake('x'));
    const b = new BackendRegistry();
    expect(a.has('x')).toBe(true);
    expect(b.has('x')).toBe(false);
  });

  it('orders by priority, then registration order', () => {
    const r = new BackendRegistry()
      .register('low', () => fake('low'), { priority: 1 })
      .register('high', () => fake('high'), { priority: 5 })
      .register('mid', () => fake('mid'), { priority: 3 })
      .register('mid2', () => fake('mid2'), { priority: 3 });
    expect(r.names()).toEqual(['high', 'mid', 'mid2', 'low']);
  });

  it('resolves the highest priority backend and runs its factory once', async () => {
    const factory = vi.fn(() => fake('high'));
    const r = new BackendRegistry().register('low', () => fake('low')).register('high', factory, { priority: 2 });
    expect((await r.resolve()).name).toBe('high');
    expect((await r.resolve()).name).toBe('high');
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('falls back past a backend that fails to start, and retries it later', async () => {
    let fail = true;
    const r = new BackendRegistry()
      .register('gpu', () => {
        if (fail) throw new Error('no adapter');
        return fake('gpu');
      }, { priority: 2 })
      .register('cpu', () => fake('cpu'));
    expect((await r.resolve()).name).toBe('cpu');
    fail = false;
    expect((await r.resolve()).name).toBe('gpu');
  });

  it('honours an explicit preference list', async () => {
    const r = new BackendRegistry().register('a', () => fake('a'), { priority: 9 }).register('b', async () => fake('b'));
    expect((await r.resolve(['b', 'a'])).name).toBe('b');
    expect((await r.resolve('a')).name).toBe('a');
  });

  it('refuses duplicates unless replacing', () => {
    const r = new BackendRegistry().register('a', () => fake('a'));
    expect(() => r.register('a', () => fake('a'))).toThrowError(expect.objectContaining({ code: 'BACKEND_ALREADY_REGISTERED' }));
    expect(() => r.register('a', () => fake('a2'), { replace: true })).not.toThrow();
    expect(r.unregister('a')).toBe(true);
    expect(r.unregister('a')).toBe(false);
  });

  it('gives typed errors for unknown names, an empty registry and all-failing backends', async () => {
    const empty = new BackendRegistry();
    await expect(empty.resolve()).rejects.toMatchObject({ code: 'BACKEND_NO_BACKEND' });
    await expect(empty.resolve('nope')).rejects.toMatchObject({ code: 'BACKEND_NOT_REGISTERED' });
    const broken = new BackendRegistry().register('a', () => Promise.reject(new Error('boom a'))).register('b', () => {
      throw new Error('boom b');
    });
    const error = await broken.resolve().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_NO_BACKEND' });
    expect((error as Error).message).toContain('boom a');
    expect((error as Error).message).toContain('boom b');
  });
});
