import { bytesSource } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { readHeaderSize } from './image-header-size.js';

function png(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

function jpeg(width: number, height: number, app1Length = 100): Uint8Array {
  const app1 = [0xff, 0xe1, app1Length >> 8, app1Length & 0xff, ...new Array<number>(app1Length - 2).fill(7)];
  const sof = [0xff, 0xc2, 0, 11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  return new Uint8Array([0xff, 0xd8, ...app1, 0xff, 0xff, 0xc4, 0, 2, ...sof, 0xff, 0xda, 0, 2]);
}

describe('readHeaderSize', () => {
  it('reads PNG, JPEG (past other segments and fill bytes) and GIF sizes', async () => {
    await expect(readHeaderSize(bytesSource(png(640, 480)))).resolves.toEqual({ width: 640, height: 480 });
    await expect(readHeaderSize(bytesSource(jpeg(1000, 300, 4000)))).resolves.toEqual({ width: 1000, height: 300 });
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x10, 0x01, 0x20, 0x00, 0, 0]);
    await expect(readHeaderSize(bytesSource(gif))).resolves.toEqual({ width: 272, height: 32 });
  });

  it('gives undefined for unknown formats, truncated or malformed headers', async () => {
    for (const bytes of [new Uint8Array(40), png(640, 480).subarray(0, 20), jpeg(10, 10).subarray(0, 60), png(0, 5), new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 0, 0, 0, 0])]) {
      await expect(readHeaderSize(bytesSource(bytes))).resolves.toBeUndefined();
    }
  });

  it('stops after a bounded number of JPEG segments', async () => {
    const segments = Array.from({ length: 1200 }, () => [0xff, 0xfe, 0, 2]).flat();
    const bytes = new Uint8Array([0xff, 0xd8, ...segments, ...jpeg(5, 5).subarray(2)]);
    await expect(readHeaderSize(bytesSource(bytes))).resolves.toBeUndefined();
  });
});
