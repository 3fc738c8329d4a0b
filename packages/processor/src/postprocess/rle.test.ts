import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { BinaryMask } from '../mask/mask.js';
import { decodeRleCounts, encodeRleCounts, maskToCompressedRle, maskToRle, rleToMask } from './rle.js';

function randomMask(width: number, height: number, seed: number, density: number): BinaryMask {
  let s = seed;
  const data = Uint8Array.from({ length: width * height }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 < density ? 1 : 0;
  });
  return { width, height, data };
}

describe('COCO RLE', () => {
  it('runs go down the columns (column-major) and start with background', () => {
    // 3 wide, 2 high:  row 0: 0 1 1 / row 1: 1 1 0  → column-major 0,1 | 1,1 | 1,0
    const mask: BinaryMask = { width: 3, height: 2, data: new Uint8Array([0, 1, 1, 1, 1, 0]) };
    expect(maskToRle(mask)).toEqual({ size: [2, 3], counts: [1, 4, 1] });
    const starts = maskToRle({ width: 2, height: 1, data: new Uint8Array([1, 1]) });
    expect(starts.counts).toEqual([0, 2]);
    expect(maskToRle({ width: 2, height: 2, data: new Uint8Array(4) }).counts).toEqual([4]);
  });

  it("compressed counts follow pycocotools' rleToString", () => {
    // 3, 2, 5 as is; the 4th count as the difference 1 − 2 = −1 → 0x1f + 48 = 'O'
    expect(encodeRleCounts([3, 2, 5, 1])).toBe('325O');
    expect(decodeRleCounts('325O')).toEqual([3, 2, 5, 1]);
    // 100 = 0b11_00100: low group 4 | continuation 0x20 → 'T', then 3 → '3'
    expect(encodeRleCounts([100])).toBe('T3');
    const counts = [0, 1, 123456, 7, 31, 32, 15, 16, 1_000_000, 2];
    expect(decodeRleCounts(encodeRleCounts(counts))).toEqual(counts);
  });

  it('round-trips random masks through both forms', () => {
    for (const [w, h, density] of [
      [1, 1, 0.5],
      [17, 9, 0.3],
      [64, 31, 0.9],
      [5, 40, 0.05],
    ] as const) {
      const mask = randomMask(w, h, w * 31 + h, density);
      expect(rleToMask(maskToRle(mask))).toEqual(mask);
      expect(rleToMask(maskToCompressedRle(mask))).toEqual(mask);
      const area = mask.data.reduce((a, b) => a + b, 0);
      expect(maskToRle(mask).counts.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBe(area);
    }
  });

  it('rejects inconsistent RLE with PROCESSOR_INVALID_SHAPE', () => {
    const bad = [
      { size: [2, 2], counts: [1, 2] },
      { size: [2, 2], counts: [1, 2, 3] },
      { size: [2, 2], counts: [1, -1, 4] },
      { size: [0, 2], counts: [] },
      { size: [2, 2], counts: '\u0020' },
      { size: [2, 2], counts: 'T' },
    ];
    for (const rle of bad) {
      expect(() => rleToMask(rle as never)).toThrow(expect.objectContaining({ code: 'PROCESSOR_INVALID_SHAPE' }) as unknown as ProcessorError);
    }
    expect(() => maskToRle({ width: 1, height: 1, data: new Float32Array(1) } as never)).toThrow(ProcessorError);
  });
});
