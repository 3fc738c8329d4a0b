/**
 * Fuzzing the Hub answers core parses (see docs/fuzzing.md): the model-info JSON (`parseHubModelInfo`), the file
 * selection made from it and the shard index (`shardFiles`). Arbitrary JSON and hostile edits of real answers give
 * a result or a `HUB_*` error; an accepted answer names a 40-hex commit, and every file selected for download has
 * a safe relative name.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, jsonText, mutatedJson, mutatedJsonText, typedOutcome } from '../../../../fuzz/index.js';
import { parseHubModelInfo } from '../hub/hub-model-info.js';
import type { HubModelInfo } from '../hub/hub-model-info.js';
import { selectCheckpointFiles, shardFiles } from '../hub/select-checkpoint-files.js';
import { isCommitHash, checkRelativePath } from '../io/safe-path.js';

const CODES = 'HUB_';
const hex = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const KNOWN_FILES = ['config.json', 'model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'preprocessor_config.json', 'tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
const fileName = fc.oneof(fc.constantFrom(...KNOWN_FILES), fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,12}(\/[a-z0-9_][a-z0-9_.-]{0,12})?$/));
const sibling = fc.record(
  { rfilename: fileName, size: fc.nat(), blobId: hex(40), lfs: fc.record({ sha256: hex(64), size: fc.nat(), pointerSize: fc.nat() }) },
  { requiredKeys: ['rfilename'] },
);

/** Model-info answers as the Hub writes them (`/api/models/{repo}/revision/{rev}?blobs=true`). */
const validModelInfo = fc.record({ _id: fc.string({ maxLength: 8 }), id: fc.constant('o/n'), sha: hex(40), siblings: fc.array(sibling, { maxLength: 12 }) });

/** Shard indexes: a weight_map from tensor names to shard files. */
const validIndex = fc.record({
  metadata: fc.record({ total_size: fc.nat() }),
  weight_map: fc.dictionary(fc.string({ maxLength: 10 }), fc.constantFrom('model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'), { minKeys: 1, maxKeys: 6, noNullPrototype: true }),
});

const anyInput = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof(fc.jsonValue(), hostileJsonValue, mutatedJson(valid));

/** Parses a model-info answer, then selects the checkpoint files from it; both must end well. */
function checkModelInfo(input: unknown): HubModelInfo | undefined {
  const outcome = typedOutcome(() => parseHubModelInfo(input, 'o/n'), CODES);
  if (!outcome.ok) return undefined;
  const info = outcome.value;
  expect(isCommitHash(info.commit)).toBe(true);
  for (const file of info.files) if (file.size !== undefined) expect(Number.isSafeInteger(file.size) && file.size >= 0).toBe(true);
  const selected = typedOutcome(() => selectCheckpointFiles(info), CODES);
  if (selected.ok) for (const file of selected.value.files) expect(() => checkRelativePath(file.name, 'a selected Hub file')).not.toThrow();
  return info;
}

describe('Hub answer fuzzing', () => {
  fuzzIt(
    'model info: arbitrary and mutated answers',
    300,
    fc.property(anyInput(validModelInfo), (input) => {
      checkModelInfo(input);
    }),
  );
  fuzzIt(
    'shard index: arbitrary and mutated index text over a real listing',
    200,
    fc.property(validModelInfo, fc.oneof(anyInput(validIndex).map(jsonText), mutatedJsonText(validIndex), fc.string({ maxLength: 100 })), (answer, indexText) => {
      const info = checkModelInfo(answer);
      if (info === undefined) return;
      const outcome = typedOutcome(() => shardFiles(info, indexText), CODES);
      if (outcome.ok) for (const file of outcome.value) expect(() => checkRelativePath(file.name, 'a shard')).not.toThrow();
    }),
  );
});
