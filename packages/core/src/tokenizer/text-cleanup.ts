import { unescapeHtml } from './html-unescape.js';

/**
 * How text is cleaned and split into words before BPE.
 *
 * - `'fast'`: the HuggingFace fast tokenizer (`tokenizer.json` written by
 *   transformers' `CLIPConverter`; transformers.js follows it): NFC, `\s+` → ' ',
 *   lower-case, CLIP's word regex.
 * - `'openai'`: OpenAI CLIP's `simple_tokenizer.py` without ftfy: `html.unescape`
 *   twice, strip, `\s+` → ' ', strip, lower-case, CLIP's word regex with the
 *   special tokens in it, case-insensitive.
 */
export type TextCleanup = 'fast' | 'openai';

/**
 * Unicode `White_Space`: what `\s` means in Oniguruma (HF `tokenizers`) and in
 * Python's `regex` module (OpenAI). JS's own `\s` differs (it has U+FEFF and
 * lacks U+0085), so it is never used here.
 */
const WHITE_SPACE_RUN = /\p{White_Space}+/gu;

/**
 * CLIP's word pattern as `tokenizer.json` has it (no special tokens, no case
 * folding: the text is already lower-cased). Whatever it does not match
 * (white space) is dropped.
 */
const FAST_WORDS = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+/gu;

/**
 * Python's `str.isspace()` set, used by `str.strip()`: `White_Space` plus the
 * information separators U+001C … U+001F.
 */
// eslint-disable-next-line no-control-regex -- U+001C…U+001F are what Python's strip() removes
const PY_STRIP = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu;

/** One UTF-16 code unit of {@link PY_STRIP}'s set (all its characters are in the BMP). */
export function isPythonSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x20) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The fast tokenizer's normalizer: NFC, every white-space run → one space,
 * lower-case. `tokenizers` lower-cases code point by code point, so a capital
 * sigma always becomes `σ`; JS's `toLowerCase` (like Python's `str.lower`)
 * would write a word-final one as `ς`, so Σ is mapped first.
 */
export function normalizeFast(text: string): string {
  if (isAscii(text)) return text.replace(WHITE_SPACE_RUN, ' ').toLowerCase();
  const spaced = text.normalize('NFC').replace(WHITE_SPACE_RUN, ' ');
  return (spaced.includes('\u03a3') ? spaced.replaceAll('\u03a3', '\u03c3') : spaced).toLowerCase();
}

/** Splits normalized text into words with the fast tokenizer's pattern. */
export function splitWordsFast(normalized: string): string[] {
  return normalized.match(FAST_WORDS) ?? [];
}

/** Python's `str.strip()` with no argument. */
export function pythonStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** Python's `str.lstrip()` with no argument (linear, however long the white space). */
export function pythonLStrip(text: string): string {
  let start = 0;
  while (start < text.length && isPythonSpace(text.charCodeAt(start))) start++;
  return start === 0 ? text : text.slice(start);
}

/** Python's `str.rstrip()` with no argument (linear, however long the white space). */
export function pythonRStrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Every `White_Space` run → one space. */
export function collapseWhiteSpace(text: string): string {
  return text.replace(WHITE_SPACE_RUN, ' ');
}

/** OpenAI's `basic_clean` without ftfy: Python's `html.unescape`, twice. */
export function unescapeOpenAI(text: string): string {
  return unescapeHtml(unescapeHtml(text));
}

/**
 * OpenAI's `whitespace_clean(basic_clean(text)).lower()` with `ftfy.fix_text`
 * left out: `html.unescape` twice, strip, `\s+` → ' ', strip, lower-case.
 */
export function cleanOpenAI(text: string): string {
  return pythonStrip(collapseWhiteSpace(pythonStrip(unescapeOpenAI(text)))).toLowerCase();
}

/**
 * Splits OpenAI-cleaned text with {@link openAIWordPattern}. One fix-up: under
 * `IGNORECASE`, Python's `regex` matches U+0345 (combining ypogegrammeni, whose
 * case fold is the letter ι) with neither `\p{L}` nor the negated class, so it
 * is dropped like white space, while JS's `iu` counts it as a letter. A full
 * scan of all code points (Python 3.11 `regex` vs Node 20) found no other
 * character where the two engines' classes disagree.
 */
export function splitWordsOpenAI(cleaned: string, pattern: RegExp): string[] {
  const text = cleaned.includes('\u0345') ? cleaned.replaceAll('\u0345', ' ') : cleaned;
  return text.match(pattern) ?? [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * OpenAI's word pattern: the special tokens first, then CLIP's pattern, all
 * case-insensitive (Python `regex.IGNORECASE`, simple case folding, as JS `iu`).
 *
 * @param specials - special token strings, e.g. `<|startoftext|>`, `<|endoftext|>`
 */
export function openAIWordPattern(specials: readonly string[]): RegExp {
  const alternatives = [...specials].sort((a, b) => b.length - a.length).map(escapeRegExp);
  alternatives.push("'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\p{White_Space}\\p{L}\\p{N}]+");
  return new RegExp(alternatives.join('|'), 'giu');
}

/**
 * A pattern matching any of `tokens` literally (longest first), or `undefined`
 * for none. Used to split special tokens out of the text.
 */
export function literalAlternation(tokens: readonly string[], flags = 'g'): RegExp | undefined {
  if (tokens.length === 0) return undefined;
  return new RegExp([...tokens].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), flags);
}
