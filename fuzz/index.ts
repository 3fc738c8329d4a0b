/**
 * The fuzz harness shared by the `*.fuzz.test.ts` files of every package (see docs/fuzzing.md).
 *
 * @packageDocumentation
 */
export { FIXED_FUZZ_SEED, fuzzIt, fuzzSettings } from './fuzz-settings.js';
export type { FuzzItOptions, FuzzSettings } from './fuzz-settings.js';
export { SLOW_CASE_MS, typedOutcome, typedOutcomeAsync } from './typed-outcome.js';
export type { AllowedCodes, Outcome } from './typed-outcome.js';
export { INTERESTING_INTEGERS, applyByteMutation, byteMutation, mutatedBytes } from './byte-mutations.js';
export type { ByteMutation, Position } from './byte-mutations.js';
export { HOSTILE_NUMBERS, HOSTILE_STRINGS, applyJsonMutation, hostileJsonValue, jsonMutation, jsonText, mutatedJson, mutatedJsonText, nestedArray, nestedObject } from './json-mutations.js';
export type { JsonMutation } from './json-mutations.js';
export { recordingByteSource, recordingRandomAccess } from './recording-source.js';
export type { ReadLog } from './recording-source.js';
