import { collapseWhiteSpace, isPythonSpace, pythonLStrip, pythonRStrip, unescapeOpenAI } from './text-cleanup.js';
import { TokenizerError } from './tokenizer-error.js';

/**
 * Code units a piece of text aims for: texts up to this long are read whole; longer ones piece by piece, so that
 * a truncating `encode` reads only about as much as its tokens need.
 */
export const PIECE_LENGTH = 4096;

/**
 * Most code units in a row without white space the tokenizer reads. Such a stretch cannot be cut (a word's BPE,
 * NFC and entities depend on all of it), so it is read whole; a longer one is refused with
 * `TOKENIZER_INPUT_TOO_LONG` rather than tokenized in unbounded time and memory.
 */
export const MAX_UNBROKEN_TEXT = 262_144;

/** Unicode `White_Space`, one character (all are in the BMP, none a surrogate). */
const WHITE_SPACE = /[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

/** Whether `text` has a character Python's `str.strip()` would keep. */
function hasContent(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isPythonSpace(text.charCodeAt(i))) return true;
  return false;
}

function tooLong(at: number, run: number): TokenizerError {
  return new TokenizerError(
    'TOKENIZER_INPUT_TOO_LONG',
    `The text has more than ${MAX_UNBROKEN_TEXT} characters in a row without white space (around character ${at}), more than the tokenizer reads at once: such a stretch is one piece of BPE work. Break it with spaces or shorten it.`,
    { details: { at, run, max: MAX_UNBROKEN_TEXT } },
  );
}

/**
 * Cuts `text` (from `from`) into pieces `[start, end)` that each end just after a white-space character, or at the
 * end of the text; pieces are about {@link PIECE_LENGTH} long.
 *
 * Why such cuts are exact: with no added token containing white space, every tokenizer step is local at a cut
 * right after a `White_Space` character — the special-token split and the word pattern never match across white
 * space; NFC never composes across it (white space characters are starters that compose with nothing); white-space
 * runs become one space either way and are dropped by the word pattern; the context of a final sigma stops at
 * white space; and an HTML reference containing white space only ever replaces the name before it, leaving the
 * rest as it is (see `openAIPieces` for `str.strip()`). So the tokens of the whole text are the tokens of its
 * pieces, one after another, and a truncating encode may stop after the piece that completes its tokens.
 *
 * @param whole - read the text as one piece (a tokenizer whose added tokens contain white space)
 * @throws {@link TokenizerError} `TOKENIZER_INPUT_TOO_LONG` for more than {@link MAX_UNBROKEN_TEXT} code units
 *   without white space where a piece should end (or a `whole` text longer than that plus a piece)
 */
export function* textPieces(text: string, from = 0, whole = false): Generator<readonly [number, number]> {
  if (whole) {
    if (text.length - from > PIECE_LENGTH + MAX_UNBROKEN_TEXT) throw tooLong(from, text.length - from);
    if (from < text.length) yield [from, text.length];
    return;
  }
  let start = from;
  while (start < text.length) {
    if (text.length - start <= PIECE_LENGTH) {
      yield [start, text.length];
      return;
    }
    const target = start + PIECE_LENGTH - 1;
    WHITE_SPACE.lastIndex = target;
    const match = WHITE_SPACE.exec(text);
    const runEnd = match === null ? text.length : match.index;
    if (runEnd - target > MAX_UNBROKEN_TEXT) throw tooLong(target, runEnd - target);
    const end = match === null ? text.length : match.index + 1;
    yield [start, end];
    start = end;
  }
}

/** The strip-only run at the end of `cleaned` holds one of U+001C…U+001F (stripped at the text's end, kept inside). */
function tailHasSeparator(cleaned: string): boolean {
  for (let i = cleaned.length - 1; i >= 0; i--) {
    const c = cleaned.charCodeAt(i);
    if (c >= 0x1c && c <= 0x1f) return true;
    if (!isPythonSpace(c)) return false;
  }
  return false;
}

function contentFollows(text: string, from: number): boolean {
  for (const [start, end] of textPieces(text, from)) if (hasContent(unescapeOpenAI(text.slice(start, end)))) return true;
  return false;
}

/**
 * OpenAI's clean-up (`cleanOpenAI`: `html.unescape` twice, `strip`, white space → ' ', lower-case) piece by piece:
 * yields cleaned pieces whose words, one piece after another, are the words of the whole cleaned text.
 *
 * `str.strip()` is the one non-local step: it removes U+001C…U+001F (not white space, so otherwise words) only
 * at the ends of the text. Leading: pieces are left-stripped until one keeps something. Trailing: a piece is
 * right-stripped when it is the last, or when its strip-only tail holds such a separator and nothing but
 * strip-only text follows (then it is the text's real end, and nothing after it yields words).
 *
 * @throws {@link TokenizerError} `TOKENIZER_INPUT_TOO_LONG` as {@link textPieces}
 */
export function* openAIPieces(text: string, whole = false): Generator<string> {
  let started = false;
  for (const [start, end] of textPieces(text, 0, whole)) {
    let cleaned = unescapeOpenAI(text.slice(start, end));
    if (!started) {
      cleaned = pythonLStrip(cleaned);
      if (cleaned === '') continue;
      started = true;
    }
    const last = end === text.length || (tailHasSeparator(cleaned) && !contentFollows(text, end));
    if (last) cleaned = pythonRStrip(cleaned);
    yield collapseWhiteSpace(cleaned).toLowerCase();
    if (last) return;
  }
}
