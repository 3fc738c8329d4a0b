/**
 * Short description of a value from outside (a JSON field, a Hub answer, a file) for error messages, e.g.
 * `"512" (a string)`: strings cut to 40 characters, arrays and objects never walked, so any input — however long or
 * deeply nested — gives a bounded message without recursion. The one describer error messages use.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
    case 'number':
      return String(value);
    case 'boolean':
      return `${value} (a boolean)`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
