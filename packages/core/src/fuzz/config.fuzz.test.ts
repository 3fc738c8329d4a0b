/**
 * Fuzzing the HF config parsers (see docs/fuzzing.md): `config.json` (full, text and vision) and
 * `preprocessor_config.json`. Arbitrary JSON and hostile edits of real configs give a config or a `CONFIG_*` error,
 * quickly; an accepted config written with `toJSON` parses back to the same dict; and the preprocessor sized by an
 * accepted config's `num_channels` (as bundles load it) is built without allocating what a number merely claims.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, mutatedJson, mutatedJsonText, typedOutcome } from '../../../../fuzz/index.js';
import { CLIPSegConfig } from '../config/clipseg-config.js';
import { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { CLIPSEG_PRESET_NAMES, clipsegPreset } from '../config/presets.js';
import { CLIPSegTextConfig } from '../config/text-config.js';
import { CLIPSegVisionConfig } from '../config/vision-config.js';

const CODES = 'CONFIG_';

/** Real configs: every preset, with random extra attributes (kept verbatim by the parser). */
const validConfig: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(...CLIPSEG_PRESET_NAMES), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3, noNullPrototype: true }))
  .map(([name, extras]) => ({ ...extras, ...clipsegPreset(name).toDict() }));

/** Real preprocessor configs: the CLIPSeg one and variants of each field's accepted forms. */
const validPreprocessor: fc.Arbitrary<unknown> = fc.record(
  {
    do_resize: fc.boolean(),
    size: fc.oneof(fc.integer({ min: 1, max: 1024 }), fc.record({ height: fc.integer({ min: 1, max: 1024 }), width: fc.integer({ min: 1, max: 1024 }) })),
    resample: fc.integer({ min: 0, max: 5 }),
    do_rescale: fc.boolean(),
    rescale_factor: fc.double({ min: 1e-6, max: 1, noNaN: true }),
    do_normalize: fc.boolean(),
    image_mean: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
    image_std: fc.array(fc.double({ min: 0.01, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
    do_convert_rgb: fc.option(fc.boolean(), { nil: null }),
    image_processor_type: fc.constantFrom('ViTImageProcessor', 'ViTFeatureExtractor'),
    processor_class: fc.constant('CLIPSegProcessor'),
  },
  { requiredKeys: [] },
);

const anyInput = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(fc.jsonValue(), hostileJsonValue, fc.string({ unit: 'binary', maxLength: 100 }), mutatedJson(valid), mutatedJsonText(valid));

/** Parses a full config; an accepted one must round-trip and size a preprocessor without trusting huge numbers. */
function checkFullConfig(input: unknown): void {
  const outcome = typedOutcome(() => CLIPSegConfig.fromJSON(input), CODES);
  if (!outcome.ok) return;
  const text = JSON.stringify(outcome.value);
  expect(JSON.stringify(CLIPSegConfig.fromJSON(text))).toBe(text);
  typedOutcome(() => ViTImageProcessorConfig.fromJSON({}, { numChannels: outcome.value.vision_config.num_channels }), CODES);
}

function checkSubConfig(input: unknown): void {
  for (const parse of [CLIPSegTextConfig.fromJSON, CLIPSegVisionConfig.fromJSON]) {
    const outcome = typedOutcome(() => parse(input), CODES);
    if (outcome.ok) {
      const text = JSON.stringify(outcome.value);
      expect(JSON.stringify(parse(text))).toBe(text);
    }
  }
}

function checkPreprocessor(input: unknown, numChannels: number): void {
  const outcome = typedOutcome(() => ViTImageProcessorConfig.fromJSON(input, { numChannels }), CODES);
  if (!outcome.ok) return;
  const text = JSON.stringify(outcome.value);
  expect(JSON.stringify(ViTImageProcessorConfig.fromJSON(text, { numChannels }))).toBe(text);
}

describe('HF config fuzzing', () => {
  fuzzIt('config.json: arbitrary and mutated configs', 200, fc.property(anyInput(validConfig), checkFullConfig));
  fuzzIt('config.json as a text or vision config: arbitrary and mutated configs', 200, fc.property(anyInput(validConfig), checkSubConfig));
  fuzzIt(
    'preprocessor_config.json: arbitrary and mutated configs',
    300,
    fc.property(anyInput(validPreprocessor), fc.constantFrom(1, 3, 4), (input, channels) => checkPreprocessor(input, channels)),
  );
});
