/** Slicing-by-8 lookup tables for the reflected CRC-32 polynomial 0xEDB88320. */
let tables: Uint32Array[] | undefined;

function crcTables(): Uint32Array[] {
  if (tables !== undefined) return tables;
  const made: Uint32Array[] = [];
  const first = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    first[n] = c >>> 0;
  }
  made.push(first);
  for (let t = 1; t < 8; t++) {
    const previous = made[t - 1]!;
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) table[n] = (first[previous[n]! & 0xff]! ^ (previous[n]! >>> 8)) >>> 0;
    made.push(table);
  }
  tables = made;
  return made;
}

/**
 * CRC-32 (ISO-HDLC, as in zip, gzip and PNG) of `bytes`, continuing from
 * `previous` when given, so large inputs can be hashed in chunks.
 *
 * @param bytes - data to hash
 * @param previous - CRC of the bytes before these (0 to start)
 * @returns the CRC as an unsigned 32-bit integer
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crcTables() as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let crc = ~previous >>> 0;
  const n = bytes.length;
  let i = 0;
  const fast = n - (n % 8);
  for (; i < fast; i += 8) {
    const a = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) ^ crc;
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < n; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
