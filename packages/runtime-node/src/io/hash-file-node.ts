import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** SHA-256 and size of a file with node:crypto (streamed), or undefined when it does not exist. */
export async function hashFileNode(path: string): Promise<{ bytes: number; sha256: string } | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 16 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return { bytes: info.size, sha256: hash.digest('hex') };
}

/** SHA-256 of in-memory bytes with node:crypto. */
export function sha256Node(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
