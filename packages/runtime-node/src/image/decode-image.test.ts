import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toRgb } from '@clipseg/processor';
import { afterAll, describe, expect, it } from 'vitest';
import { compareBytes, fixtureBytes, PILLOW_FIXTURES_DIR, pillowFixtures, pillowRgb } from '../../../processor/test/pillow-fixtures.js';
import { decodeImage, maxImageFileBytes } from './decode-image.js';

describe("decodeImage + toRgb equals Pillow 9.4's Image.open(p).convert('RGB')", () => {
  const cases = pillowFixtures('');
  it('has the fixtures', () => expect(cases.length).toBeGreaterThan(55));
  for (const [name, pillow] of cases) {
    if (pillow.error !== undefined) {
      it(`${name}: refused, as Pillow refuses it (${pillow.error})`, async () => {
        await expect(decodeImage(join(PILLOW_FIXTURES_DIR, name))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
      });
      continue;
    }
    it(`${name} (Pillow mode ${pillow.mode})`, async () => {
      const image = toRgb(await decodeImage(join(PILLOW_FIXTURES_DIR, name)));
      expect([image.width, image.height]).toEqual([pillow.width, pillow.height]);
      expect(compareBytes(image.data, pillowRgb(pillow))).toEqual({ max: 0, differing: 0 });
    });
  }

  it('decodes bytes as it decodes the file', async () => {
    const fromBytes = toRgb(await decodeImage(fixtureBytes('png16-rgb.png')));
    expect(compareBytes(fromBytes.data, pillowRgb(Object.fromEntries(pillowFixtures('png16-rgb.png'))['png16-rgb.png']!))).toEqual({ max: 0, differing: 0 });
  });
});

describe('applyIccProfile', () => {
  it('converts an Adobe RGB photo to sRGB only when asked (then it differs from Pillow)', async () => {
    const pillow = pillowRgb(Object.fromEntries(pillowFixtures('icc-adobe.png'))['icc-adobe.png']!);
    const managed = toRgb(await decodeImage(join(PILLOW_FIXTURES_DIR, 'icc-adobe.png'), { applyIccProfile: true }));
    expect(compareBytes(managed.data, pillow).max).toBeGreaterThan(20);
    const cmyk = await decodeImage(join(PILLOW_FIXTURES_DIR, 'cmyk-icc.jpg'), { applyIccProfile: true });
    expect(cmyk.channels).toBe(3);
  });
});

describe('decodeImage reads paths bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clipseg-decode-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a symlink to /dev/zero at once', async () => {
    const link = join(dir, 'zero.png');
    symlinkSync('/dev/zero', link);
    await expect(decodeImage(link)).rejects.toMatchObject({ code: 'IMAGE_NOT_A_FILE' });
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expect(decodeImage(fifo)).rejects.toMatchObject({ code: 'IMAGE_NOT_A_FILE' });
  });

  it('refuses a directory, a missing file and a file over the byte limit', async () => {
    await expect(decodeImage(dir)).rejects.toMatchObject({ code: 'IMAGE_NOT_A_FILE' });
    await expect(decodeImage(join(dir, 'missing.png'))).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    const big = join(dir, 'big.png');
    writeFileSync(big, fixtureBytes('png16-rgb.png'));
    await expect(decodeImage(big, { maxBytes: 100 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(decodeImage(big, { maxBytes: 10_000 })).resolves.toMatchObject({ width: 13 });
  });

  it('derives the byte limit from the pixel limit', () => {
    expect(maxImageFileBytes(100_000_000)).toBe(800_000_000 + 64 * 1024 * 1024);
    expect(maxImageFileBytes(1000)).toBeLessThan(maxImageFileBytes(2000));
  });

  it('maps the built-in decoders’ errors to ImageError codes', async () => {
    await expect(decodeImage(fixtureBytes('bmp-24bit.bmp'), { maxPixels: 50 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(decodeImage(fixtureBytes('gif-truncated.gif'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', details: { reason: 'DECODE_MALFORMED' } });
    await expect(decodeImage(new Uint8Array(0))).rejects.toMatchObject({ code: 'IMAGE_EMPTY' });
  });
});
