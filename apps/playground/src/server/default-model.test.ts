import { defaultRandomBundle } from '@clipseg/convert';
import { sha256Hex } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { buildDefaultModel } from './default-model.js';

describe('the built-in model', () => {
  it("is convert's defaultRandomBundle(), the CLI's default model, byte for byte", async () => {
    const [files, recipe] = await Promise.all([buildDefaultModel(), defaultRandomBundle()]);
    expect([...files.keys()].sort()).toEqual([...recipe.files.keys()].sort());
    for (const [name, bytes] of files) expect(sha256Hex(bytes), name).toBe(sha256Hex(recipe.files.get(name)!));
  });
});
