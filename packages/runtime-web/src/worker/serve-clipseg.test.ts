import { createFakeBackend, createFakeBundle } from '@clipseg/core/testing';
import { PIPELINE_LIMITS } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import type { Request, WirePrompt } from './protocol.js';
import { serveCLIPSeg } from './serve-clipseg.js';

/** A worker scope in memory: requests in, responses collected. */
function fakeScope() {
  const responses: Record<string, unknown>[] = [];
  let listener: ((event: { data: Request }) => void) | undefined;
  const scope = {
    addEventListener: (_type: string, fn: (event: { data: Request }) => void) => (listener = fn),
    removeEventListener: () => (listener = undefined),
    postMessage: (message: Record<string, unknown>) => responses.push(message),
  };
  const send = async (request: Request) => {
    listener!({ data: request });
    for (let i = 0; i < 200 && !responses.some((r) => r.id === request.id && ('value' in r || 'error' in r)); i++) await new Promise((r) => setTimeout(r, 10));
    return responses.find((r) => r.id === request.id && ('value' in r || 'error' in r))!;
  };
  return { scope, send };
}

describe('serveCLIPSeg', () => {
  it('refuses more prompts than one call takes before decoding any image prompt', async () => {
    const { scope, send } = fakeScope();
    const stop = serveCLIPSeg({ backend: () => createFakeBackend(), scope: scope as never });
    const loaded = await send({ id: 1, op: 'load', source: createFakeBundle().files, options: {} });
    expect(loaded).toHaveProperty('value');
    // Image sources that would fail to decode: the count must be refused first.
    const prompts: WirePrompt[] = Array.from({ length: PIPELINE_LIMITS.maxPromptParts + 1 }, () => ({ image: { source: 'not a URL of an image' } }));
    const refused = await send({ id: 2, op: 'embed', prompts });
    expect(refused).toMatchObject({ error: { code: 'PIPELINE_TOO_MANY_PROMPTS' } });
    stop();
  });
});
