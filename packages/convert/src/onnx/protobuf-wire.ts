/**
 * The few protobuf wire-format primitives {@link writeModel} needs to frame length-delimited fields by hand.
 *
 * @module
 */

/** Wire type of length-delimited fields (messages, bytes, strings). */
const LENGTH_DELIMITED = 2;

/** Bytes taken by `value` as an unsigned varint (`value` < 2^53). */
export function varintLength(value: number): number {
  let length = 1;
  let rest = value;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 128);
    length += 1;
  }
  return length;
}

/** Writes `value` as an unsigned varint at `offset`; returns the offset after it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let rest = value;
  let at = offset;
  while (rest >= 0x80) {
    target[at++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  target[at++] = rest;
  return at;
}

/** Bytes taken by the key and length prefix of a length-delimited field carrying `length` bytes. */
export function lengthDelimitedHeaderLength(field: number, length: number): number {
  return varintLength(field * 8 + LENGTH_DELIMITED) + varintLength(length);
}

/** Writes the key and length prefix of a length-delimited field; returns the offset after them. */
export function writeLengthDelimitedHeader(target: Uint8Array, offset: number, field: number, length: number): number {
  return writeVarint(target, writeVarint(target, offset, field * 8 + LENGTH_DELIMITED), length);
}
