/**
 * Mutations of valid binary inputs: bit flips, truncation, splices, repeated chunks and "interesting" integers
 * (0, 2^31, 2^32 − 1, 2^53, 2^64 − 1 …) written little- or big-endian over length and offset fields.
 */
import fc from 'fast-check';

/** Integers that break length and offset arithmetic, as unsigned 64-bit values. */
export const INTERESTING_INTEGERS: readonly bigint[] = [
  0n, 1n, 2n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x1_0000n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn,
  0x1_0000_0000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n,
];

/** A position counted from the start or from the end of the input (small counts are the likeliest). */
export interface Position {
  readonly index: number;
  readonly fromEnd: boolean;
}

/** One edit of a byte string. */
export type ByteMutation =
  | { readonly kind: 'flip'; readonly at: Position; readonly bit: number }
  | { readonly kind: 'set'; readonly at: Position; readonly value: number }
  | { readonly kind: 'truncate'; readonly at: Position }
  | { readonly kind: 'splice'; readonly at: Position; readonly remove: number; readonly insert: Uint8Array }
  | { readonly kind: 'integer'; readonly at: Position; readonly width: 1 | 2 | 4 | 8; readonly littleEndian: boolean; readonly value: bigint }
  | { readonly kind: 'repeat'; readonly at: Position; readonly length: number; readonly times: number };

const position: fc.Arbitrary<Position> = fc.record({ index: fc.nat({ max: 1 << 20 }), fromEnd: fc.boolean() });

/** Any {@link ByteMutation}. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('splice' as const), at: position, remove: fc.nat({ max: 64 }), insert: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('integer' as const),
    at: position,
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    littleEndian: fc.boolean(),
    value: fc.oneof(fc.constantFrom(...INTERESTING_INTEGERS), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 64 }) }),
);

function offset(at: Position, length: number): number {
  if (length === 0) return 0;
  const index = at.index % length;
  return at.fromEnd ? length - 1 - index : index;
}

/**
 * Applies one mutation to a copy of `bytes`.
 *
 * @param bytes - the input (not modified)
 * @param mutation - the edit
 */
export function applyByteMutation(bytes: Uint8Array, mutation: ByteMutation): Uint8Array {
  const at = offset(mutation.at, bytes.length);
  switch (mutation.kind) {
    case 'flip': {
      const out = bytes.slice();
      if (out.length > 0) out[at] = out[at]! ^ (1 << mutation.bit);
      return out;
    }
    case 'set': {
      const out = bytes.slice();
      if (out.length > 0) out[at] = mutation.value;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'splice': {
      const out = new Uint8Array(bytes.length - Math.min(mutation.remove, bytes.length - at) + mutation.insert.length);
      out.set(bytes.subarray(0, at), 0);
      out.set(mutation.insert, at);
      out.set(bytes.subarray(Math.min(bytes.length, at + mutation.remove)), at + mutation.insert.length);
      return out;
    }
    case 'integer': {
      const out = bytes.slice();
      const value = BigInt.asUintN(mutation.width * 8, mutation.value);
      for (let i = 0; i < mutation.width && at + i < out.length; i++) {
        const shift = BigInt(8 * (mutation.littleEndian ? i : mutation.width - 1 - i));
        out[at + i] = Number((value >> shift) & 0xffn);
      }
      return out;
    }
    case 'repeat': {
      const chunk = bytes.subarray(at, at + mutation.length);
      const out = new Uint8Array(bytes.length + chunk.length * mutation.times);
      out.set(bytes.subarray(0, at + chunk.length), 0);
      for (let i = 1; i <= mutation.times; i++) out.set(chunk, at + i * chunk.length);
      out.set(bytes.subarray(at + chunk.length), at + (mutation.times + 1) * chunk.length);
      return out;
    }
  }
}

/**
 * Inputs made by applying 1 to `maxMutations` {@link ByteMutation}s to inputs of `valid`.
 *
 * @param valid - well-formed inputs
 * @param maxMutations - most edits per case
 */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>, maxMutations = 4): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(byteMutation, { minLength: 1, maxLength: maxMutations }))
    .map(([bytes, mutations]) => mutations.reduce(applyByteMutation, bytes));
}
