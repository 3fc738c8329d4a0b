import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { html5Entities } from './html-entities.js';
import { unescapeHtml } from './html-unescape.js';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/tokenizer/html-unescape-cases.json', import.meta.url), 'utf8')) as {
  cases: [string, string][];
};
const rows = fixture.cases.map(([input, expected], index) => ({ index, input, expected, shown: JSON.stringify(input).slice(0, 48) }));

describe("unescapeHtml (Python's html.unescape)", () => {
  it.each(rows)('#$index $shown matches Python', ({ input, expected }) => {
    expect(unescapeHtml(input)).toBe(expected);
  });

  it('has the whole HTML5 table, with the legacy names also without ";"', () => {
    const table = html5Entities();
    expect(table.size).toBe(2231);
    expect(table.get('amp')).toBe('&');
    expect(table.get('amp;')).toBe('&');
    expect(table.get('notin;')).toBe('\u2209');
    expect(table.get('notin')).toBeUndefined();
    expect(table.get('fjlig;')).toBe('fj');
    expect(table.get('NewLine;')).toBe('\n');
    expect(table.get('Afr;')).toBe('\u{1d504}');
  });

  it('leaves text without "&" untouched and applies once per call', () => {
    expect(unescapeHtml('plain text')).toBe('plain text');
    expect(unescapeHtml('&amp;amp;')).toBe('&amp;');
    expect(unescapeHtml(unescapeHtml('&amp;amp;'))).toBe('&');
  });

  it('gives U+FFFD for a decimal reference too long for Python to parse', () => {
    expect(unescapeHtml(`&#${'1'.repeat(5000)};`)).toBe('\ufffd');
  });
});
