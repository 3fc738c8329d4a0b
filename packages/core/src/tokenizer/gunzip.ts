import { TokenizerError } from './tokenizer-error.js';

/*
 * Core's tsconfig has neither DOM nor node types, so the few members of the
 * web-streams API used here are declared locally and the constructor is read
 * off `globalThis` (Node ≥ 18, Deno, Bun and every current browser have it).
 */
interface StreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}
interface StreamWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
interface DecompressionStreamLike {
  readonly readable: { getReader(): StreamReader };
  readonly writable: { getWriter(): StreamWriter };
}
type DecompressionStreamConstructor = new (format: 'gzip') => DecompressionStreamLike;

/** True when `bytes` starts with the gzip magic number 1F 8B. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes with the global `DecompressionStream('gzip')`.
 *
 * @throws {@link TokenizerError} `TOKENIZER_UNSUPPORTED` when the runtime has no
 *   `DecompressionStream`, `TOKENIZER_INVALID_BPE_FILE` when the data is not valid gzip
 */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const Ctor = (globalThis as unknown as { DecompressionStream?: DecompressionStreamConstructor }).DecompressionStream;
  if (typeof Ctor !== 'function') {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED',
      'This runtime has no global DecompressionStream, so the gzip file cannot be read here. Decompress it first and pass the text (or the raw bytes).',
    );
  }
  const stream = new Ctor('gzip');
  const writer = stream.writable.getWriter();
  // Write and read at the same time: the write only settles once the output is consumed.
  const writing = writer.write(bytes).then(() => writer.close());
  writing.catch(() => undefined); // a failure also surfaces through the reader
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value !== undefined) {
        chunks.push(value);
        total += value.length;
      }
    }
    await writing;
  } catch (cause) {
    throw new TokenizerError(
      'TOKENIZER_INVALID_BPE_FILE',
      'The gzip data could not be decompressed (truncated or corrupt). Download bpe_simple_vocab_16e6.txt.gz again, or pass its decompressed text.',
      { cause },
    );
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
