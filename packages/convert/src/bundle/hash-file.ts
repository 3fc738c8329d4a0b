import { openSource, Sha256, type FileSet } from '@clipseg/core';

const CHUNK = 16 * 1024 * 1024;

/**
 * SHA-256 and size of one file of a {@link FileSet}, streamed in 16 MiB
 * chunks so multi-GB checkpoints never sit in memory whole.
 */
export async function hashFile(files: FileSet, name: string): Promise<{ bytes: number; sha256: string } | undefined> {
  const source = await openSource(files, name);
  if (!source) return undefined;
  try {
    const hash = new Sha256();
    for (let offset = 0; offset < source.size; offset += CHUNK) {
      hash.update(await source.read(offset, Math.min(CHUNK, source.size - offset)));
    }
    return { bytes: source.size, sha256: hash.digestHex() };
  } finally {
    await source.close?.();
  }
}
