/**
 * A minimal protobuf encoder: enough to write small ONNX models for tests
 * without depending on onnx-proto in core.
 */
export class ProtobufWriter {
  readonly #bytes: number[] = [];

  /** Writes an unsigned varint (up to 2^53). */
  #varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.#bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#bytes.push(v);
  }

  #key(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  /** Field with a non-negative integer value (wire type 0). */
  uint(field: number, value: number): this {
    this.#key(field, 0);
    this.#varint(value);
    return this;
  }

  /** Field with raw bytes (wire type 2). */
  bytes(field: number, value: Uint8Array): this {
    this.#key(field, 2);
    this.#varint(value.length);
    for (const b of value) this.#bytes.push(b);
    return this;
  }

  /** Field with a UTF-8 string. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Field holding an embedded message. */
  message(field: number, build: (w: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}
