import { CLIPSegError } from '../errors.js';
import { CLIPTokenizer, type CLIPTokenizerOptions } from '../tokenizer/clip-tokenizer.js';
import { readText, type FileSet } from './file-set.js';

/** Error codes of {@link loadTokenizer}. */
export type TokenizerFilesErrorCode = 'TOKENIZER_FILES_MISSING' | 'TOKENIZER_CONFIG_INVALID';

/** A checkpoint or bundle folder lacks usable tokenizer files. */
export class TokenizerFilesError extends CLIPSegError<TokenizerFilesErrorCode> {}

/** Tokenizer settings read from a checkpoint's `tokenizer_config.json`, where present. */
interface TokenizerConfigHints {
  modelMaxLength?: number;
  padToken?: string;
}

// HF writes a huge sentinel (int(1e30)) when a tokenizer has no length limit.
const NO_LIMIT = 1e20;

function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

function parseTokenizerConfig(text: string | undefined, location: string): TokenizerConfigHints {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenizerFilesError('TOKENIZER_CONFIG_INVALID', `${location}/tokenizer_config.json is not valid JSON; fix or delete it.`, { cause: error });
  }
  if (typeof json !== 'object' || json === null) {
    throw new TokenizerFilesError('TOKENIZER_CONFIG_INVALID', `${location}/tokenizer_config.json must hold a JSON object.`);
  }
  const config = json as Record<string, unknown>;
  const hints: TokenizerConfigHints = {};
  const max = config.model_max_length;
  if (typeof max === 'number' && Number.isSafeInteger(max) && max >= 2 && max < NO_LIMIT) hints.modelMaxLength = max;
  const pad = tokenString(config.pad_token);
  if (pad !== undefined) hints.padToken = pad;
  return hints;
}

/**
 * Loads the CLIP tokenizer of a checkpoint or bundle folder the way
 * HuggingFace does: `tokenizer.json` when present, else `vocab.json` +
 * `merges.txt`; `model_max_length` and `pad_token` from
 * `tokenizer_config.json` when present. Explicit `options` win.
 *
 * @throws {@link TokenizerFilesError} `TOKENIZER_FILES_MISSING` when neither
 * form is there; `TokenizerError` for malformed files.
 */
export async function loadTokenizer(files: FileSet, options: CLIPTokenizerOptions = {}): Promise<CLIPTokenizer> {
  const hints = parseTokenizerConfig(await readText(files, 'tokenizer_config.json'), files.location);
  const base: CLIPTokenizerOptions = { ...(hints.modelMaxLength === undefined ? {} : { modelMaxLength: hints.modelMaxLength }), ...options };
  const tokenizerJson = await readText(files, 'tokenizer.json');
  let build: (opts: CLIPTokenizerOptions) => CLIPTokenizer;
  if (tokenizerJson !== undefined) {
    build = (opts) => CLIPTokenizer.fromTokenizerJson(tokenizerJson, opts);
  } else {
    const [vocab, merges] = await Promise.all([readText(files, 'vocab.json'), readText(files, 'merges.txt')]);
    if (vocab === undefined || merges === undefined) {
      throw new TokenizerFilesError(
        'TOKENIZER_FILES_MISSING',
        `${files.location} has no tokenizer.json and no vocab.json + merges.txt pair${vocab === undefined && merges === undefined ? '' : ` (only ${vocab === undefined ? 'merges.txt' : 'vocab.json'})`}. Copy the tokenizer files of the checkpoint into it.`,
      );
    }
    build = (opts) => CLIPTokenizer.fromVocabAndMerges(vocab, merges, opts);
  }
  const tokenizer = build(base);
  if (options.padTokenId !== undefined || hints.padToken === undefined) return tokenizer;
  // The pad token is named, not numbered: look it up in the vocabulary as HF's convert_tokens_to_ids does.
  const padId = tokenizer.tokenToId(hints.padToken);
  return padId !== undefined && padId !== tokenizer.padTokenId ? build({ ...base, padTokenId: padId }) : tokenizer;
}
