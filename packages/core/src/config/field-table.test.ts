import { describe, expect, expectTypeOf, it } from 'vitest';
import { CLIPSEG_CONFIG_FIELDS, CLIPSegConfig } from './clipseg-config.js';
import { ProblemList } from './config-error.js';
import { FieldReader } from './field-reader.js';
import type { JsonObject } from './field-reader.js';
import { defaultsOf, field, freshFields, knownKeys, readFields, storedFields } from './field-table.js';
import type { FieldValues } from './field-table.js';
import { VIT_IMAGE_PROCESSOR_FIELDS, ViTImageProcessorConfig } from './preprocessor-config.js';
import { CLIPSEG_TEXT_CONFIG_DEFAULTS, CLIPSEG_TEXT_CONFIG_FIELDS, CLIPSegTextConfig } from './text-config.js';
import { CLIPSEG_VISION_CONFIG_FIELDS, CLIPSegVisionConfig } from './vision-config.js';

/** Reads `record` (found at `text_config`) with `table`, returning the values and the problems recorded. */
function readWith<T extends typeof CLIPSEG_TEXT_CONFIG_FIELDS>(table: T, record: JsonObject) {
  const problems = new ProblemList();
  const values = readFields(table, new FieldReader(record, 'text_config', problems), undefined);
  return { values, problems: problems.items };
}

describe('config field tables', () => {
  it('a field added to a table in one line reaches the type, the defaults, the reader, the known keys and the dict', () => {
    const table = Object.freeze({
      ...CLIPSEG_TEXT_CONFIG_FIELDS,
      /** A new field, for this test. */ type_vocab_size: field.int(16, 0),
    });

    expectTypeOf<FieldValues<typeof table>['type_vocab_size']>().toEqualTypeOf<number>();

    const defaults = defaultsOf(table);
    expect(Object.isFrozen(defaults)).toBe(true);
    expect(JSON.stringify(defaults)).toBe(JSON.stringify({ ...CLIPSEG_TEXT_CONFIG_DEFAULTS, type_vocab_size: 16 }));

    expect(readWith(table, {})).toEqual({ values: defaults, problems: [] });
    expect(readWith(table, { type_vocab_size: 2 }).values.type_vocab_size).toBe(2);
    const bad = readWith(table, { type_vocab_size: -1, hidden_size: '512' });
    expect(bad.values).toEqual(defaults);
    expect(bad.problems).toEqual([
      {
        code: 'CONFIG_INVALID_FIELD',
        path: 'text_config.hidden_size',
        message: `text_config.hidden_size: expected a positive integer, got "512" (a string). Fix the value, or remove the field to use HF's default 512.`,
      },
      {
        code: 'CONFIG_INVALID_FIELD',
        path: 'text_config.type_vocab_size',
        message: `text_config.type_vocab_size: expected a non-negative integer, got -1. Fix the value, or remove the field to use HF's default 16.`,
      },
    ]);

    expect(knownKeys(table, 'model_type').has('type_vocab_size')).toBe(true);
    expect(knownKeys(CLIPSEG_TEXT_CONFIG_FIELDS, 'model_type').has('type_vocab_size')).toBe(false);

    // toDict is `model_type`, then the table's fields in table order, then the extras.
    const text = new CLIPSegTextConfig({ eos_token_id: 2 });
    const dict = { model_type: text.model_type, ...freshFields(table, { ...text.fields(), type_vocab_size: 4 }) };
    expect(JSON.stringify(dict)).toBe(JSON.stringify({ ...text.toDict(), type_vocab_size: 4 }));
  });

  it('reads the fields listed first before the others, and still returns them in table order', () => {
    const table = { a: field.int(1), b: field.int(2), c: field.int(3) };
    const problems = new ProblemList();
    const values = readFields(table, new FieldReader({ a: 0, b: 0, c: 0 }, '', problems), undefined, ['c']);
    expect(problems.items.map((p) => p.path)).toEqual(['c', 'a', 'b']);
    expect(Object.keys(values)).toEqual(['a', 'b', 'c']);
  });

  it('stores arrays and objects as frozen copies and hands out fresh mutable ones', () => {
    const table = { layers: field.intArray([3, 6, 9]), size: field.int(4) };
    const source = { layers: [1, 2], size: 8 };
    const kept = storedFields(table, source);
    expect(kept).toEqual(source);
    expect(kept.layers).not.toBe(source.layers);
    expect(Object.isFrozen(kept.layers)).toBe(true);
    expect(Object.isFrozen(defaultsOf(table).layers)).toBe(true);
    const given = freshFields(table, kept);
    expect(given).toEqual(source);
    expect(Object.isFrozen(given.layers)).toBe(false);
    expect(given.layers).not.toBe(kept.layers);
  });

  it.each([
    ['CLIPSegTextConfig', CLIPSEG_TEXT_CONFIG_FIELDS, new CLIPSegTextConfig(), ['model_type']],
    ['CLIPSegVisionConfig', CLIPSEG_VISION_CONFIG_FIELDS, new CLIPSegVisionConfig(), ['model_type']],
    ['CLIPSegConfig', CLIPSEG_CONFIG_FIELDS, new CLIPSegConfig(), ['model_type', 'text_config', 'vision_config']],
    ['ViTImageProcessorConfig', VIT_IMAGE_PROCESSOR_FIELDS, new ViTImageProcessorConfig(), []],
  ] as const)('%s: its properties, fields() and toDict keys are its table', (_name, table, config, before) => {
    const keys = Object.keys(table);
    expect(Object.keys(config.fields())).toEqual(keys);
    expect(Object.keys(config.toDict())).toEqual([...before, ...keys]);
    expect(Object.keys(config).filter((k) => k in table)).toEqual(keys);
  });
});
