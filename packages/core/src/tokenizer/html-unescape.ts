import { html5Entities } from './html-entities.js';

/**
 * Python's `html._charref`: a numeric reference, or up to 32 characters that
 * may name an entity, each optionally closed by `;`. `u` makes `{1,32}` count
 * code points, as Python does.
 */
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Python's `html._invalid_charrefs`: numeric references HTML5 remaps (mostly Windows-1252). */
const INVALID_CHARREFS: ReadonlyMap<number, string> = new Map([
  [0x00, '\ufffd'],
  [0x0d, '\r'],
  [0x80, '\u20ac'],
  [0x81, '\x81'],
  [0x82, '\u201a'],
  [0x83, '\u0192'],
  [0x84, '\u201e'],
  [0x85, '\u2026'],
  [0x86, '\u2020'],
  [0x87, '\u2021'],
  [0x88, '\u02c6'],
  [0x89, '\u2030'],
  [0x8a, '\u0160'],
  [0x8b, '\u2039'],
  [0x8c, '\u0152'],
  [0x8d, '\x8d'],
  [0x8e, '\u017d'],
  [0x8f, '\x8f'],
  [0x90, '\x90'],
  [0x91, '\u2018'],
  [0x92, '\u2019'],
  [0x93, '\u201c'],
  [0x94, '\u201d'],
  [0x95, '\u2022'],
  [0x96, '\u2013'],
  [0x97, '\u2014'],
  [0x98, '\u02dc'],
  [0x99, '\u2122'],
  [0x9a, '\u0161'],
  [0x9b, '\u203a'],
  [0x9c, '\u0153'],
  [0x9d, '\x9d'],
  [0x9e, '\u017e'],
  [0x9f, '\u0178'],
]);

/** Python's `html._invalid_codepoints`: numeric references that are dropped. */
function isInvalidCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1 && cp <= 0x8) ||
    cp === 0xb ||
    (cp >= 0xe && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe // U+FFFE, U+FFFF, U+1FFFE … U+10FFFF
  );
}

function numericReference(digits: string, radix: 10 | 16): string {
  // Strip leading zeros so the length check below is about magnitude only.
  const trimmed = digits.replace(/^0+/, '');
  // Anything longer than 7 significant digits is past U+10FFFF in either radix.
  const cp = trimmed.length > 7 ? Number.POSITIVE_INFINITY : trimmed === '' ? 0 : parseInt(trimmed, radix);
  const remapped = INVALID_CHARREFS.get(cp);
  if (remapped !== undefined) return remapped;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return '\ufffd';
  if (isInvalidCodePoint(cp)) return '';
  return String.fromCodePoint(cp);
}

function replaceCharref(_match: string, ref: string): string {
  if (ref.charCodeAt(0) === 0x23 /* # */) {
    const body = ref.endsWith(';') ? ref.slice(0, -1) : ref;
    const hex = body[1] === 'x' || body[1] === 'X';
    return numericReference(body.slice(hex ? 2 : 1), hex ? 16 : 10);
  }
  const entities = html5Entities();
  const whole = entities.get(ref);
  if (whole !== undefined) return whole;
  // The longest prefix that is a name (only the legacy, `;`-less names can match here).
  for (let end = ref.length - 1; end > 1; end--) {
    const value = entities.get(ref.slice(0, end));
    if (value !== undefined) return value + ref.slice(end);
  }
  return `&${ref}`;
}

/**
 * Python's `html.unescape`: replaces named (`&amp;`, `&eacute`), decimal
 * (`&#233;`) and hexadecimal (`&#xE9;`) character references following the
 * HTML5 rules, including Python's replacements for invalid code points
 * (`&#0;` → U+FFFD, `&#x80;` → `€`, `&#1;` → '', surrogates → U+FFFD).
 *
 * One difference: Python raises `ValueError` for a decimal reference of more
 * than 4300 digits (its int-parsing limit); this returns U+FFFD for it, as
 * for any other out-of-range number.
 *
 * @param text - text that may hold character references
 * @returns the text with every reference replaced
 */
export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, replaceCharref);
}
