import { describe, expect, it } from 'vitest';
import { bytesSource, checkByteRange } from './byte-source.js';
import { IoError } from './io-error.js';

describe('bytesSource', () => {
  const data = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  it('reports its size and reads ranges as views of the input', async () => {
    const source = bytesSource(data);
    expect(source.size).toBe(10);
    const part = await source.read(3, 4);
    expect([...part]).toEqual([3, 4, 5, 6]);
    expect(part.buffer).toBe(data.buffer);
    expect(part.byteOffset).toBe(3);
    expect((await source.read(10, 0)).byteLength).toBe(0);
  });

  it('accepts an ArrayBuffer', async () => {
    const source = bytesSource(data.slice().buffer);
    expect([...(await source.read(8, 2))]).toEqual([8, 9]);
  });

  it.each([
    [-1, 2],
    [9, 2],
    [0, 11],
    [1.5, 1],
    [0, Number.NaN],
  ])('rejects the range offset=%s length=%s with IO_RANGE_INVALID', async (offset, length) => {
    await expect(bytesSource(data).read(offset, length)).rejects.toMatchObject({ code: 'IO_RANGE_INVALID' });
  });

  it('refuses reads after close', async () => {
    const source = bytesSource(data);
    await source.close?.();
    await expect(source.read(0, 1)).rejects.toBeInstanceOf(IoError);
    await expect(source.read(0, 1)).rejects.toMatchObject({ code: 'IO_CLOSED' });
  });
});

describe('checkByteRange', () => {
  it('accepts ranges inside the source and rejects the rest', () => {
    expect(() => checkByteRange(0, 10, 10)).not.toThrow();
    expect(() => checkByteRange(5, 6, 10)).toThrow(IoError);
  });
});
