import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { decodePng } from '../decode/decode-png.js';
import { PILLOW_FIXTURES_DIR } from '../../test/pillow-fixtures.js';
import { cmykToRgb } from './cmyk-to-rgb.js';

describe('cmykToRgb', () => {
  it("equals Pillow 9.4's CMYK → RGB for every (ink, black) pair", async () => {
    // Pixel (x, y) of the table is the red Pillow gives for CMYK (x, 0, 0, y); the formula is the same for M and Y.
    const table = await decodePng(new Uint8Array(readFileSync(join(PILLOW_FIXTURES_DIR, 'table-cmyk-red.png'))), async (zlib) => inflateSync(zlib));
    expect([table.width, table.height, table.channels]).toEqual([256, 256, 1]);
    const cmyk = new Uint8Array(256 * 256 * 4);
    for (let k = 0; k < 256; k++) for (let x = 0; x < 256; x++) cmyk.set([x, x, x, k], (k * 256 + x) * 4);
    const rgb = cmykToRgb(256, 256, cmyk).data;
    let differing = 0;
    for (let i = 0; i < 256 * 256; i++) if (rgb[i * 3] !== table.data[i] || rgb[i * 3 + 1] !== table.data[i] || rgb[i * 3 + 2] !== table.data[i]) differing++;
    expect(differing).toBe(0);
  });

  it('ignores extra channels and checks sizes', () => {
    expect(Array.from(cmykToRgb(1, 1, Uint8Array.from([0, 255, 128, 0, 99]), 5).data)).toEqual([255, 0, 127]);
    expect(() => cmykToRgb(2, 1, new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'PROCESSOR_INVALID_IMAGE' }));
  });
});
