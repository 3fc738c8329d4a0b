/**
 * Typed node attributes. Plain numbers are INT attributes (they must be integers); floats are spelled
 * `float(x)` so that `1.0` can never silently become an integer.
 *
 * @module
 */
import type { AttributeProtoInit } from './onnx-proto.js';
import { onnx } from './onnx-proto.js';

/** A FLOAT attribute value; create it with {@link float}. */
export interface FloatAttribute {
  readonly kind: 'float';
  readonly value: number;
}

/** A FLOATS attribute value; create it with {@link floats}. */
export interface FloatsAttribute {
  readonly kind: 'floats';
  readonly values: readonly number[];
}

/** Any attribute value: INT (`number`), INTS (`number[]`), STRING (`string`), FLOAT or FLOATS. */
export type AttributeValue = number | readonly number[] | string | FloatAttribute | FloatsAttribute;

/** Attributes of one node, by name. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** Marks `value` as a FLOAT attribute. */
export function float(value: number): FloatAttribute {
  return { kind: 'float', value };
}

/** Marks `values` as a FLOATS attribute. */
export function floats(values: readonly number[]): FloatsAttribute {
  return { kind: 'floats', values };
}

const Type = onnx.AttributeProto.AttributeType;

function checkInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`Attribute '${name}' is an INT attribute but got ${value}; wrap floats with float(x).`);
  }
  return value;
}

/** Converts one attribute to its protobuf form. */
export function toAttributeProto(name: string, value: AttributeValue): AttributeProtoInit {
  if (typeof value === 'number') return { name, type: Type.INT, i: checkInt(name, value) };
  if (typeof value === 'string') return { name, type: Type.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: Type.INTS, ints: (value as readonly number[]).map((v) => checkInt(name, v)) };
  const typed = value as FloatAttribute | FloatsAttribute;
  if (typed.kind === 'float') return { name, type: Type.FLOAT, f: typed.value };
  return { name, type: Type.FLOATS, floats: [...typed.values] };
}
