/**
 * The help text of `--model`, owned here once and appended to the usage of every command that takes it, so that
 * what the help says matches what `resolveModel` / `resolveCheckpointModel` (model-option.ts) do.
 */

const HUB_AND_CACHE = `Hub models are read from the cache only: 'clipseg pull OWNER/NAME[@REVISION]' downloads them
first (e.g. clipseg pull CIDAS/clipseg-rd64-refined), from HF_ENDPOINT (default https://huggingface.co)
with HF_TOKEN for gated or private repos; 'clipseg pull --offline' (or HF_HUB_OFFLINE=1) uses only
what is cached. --model itself never uses the network. CLIPSEG_CACHE sets the cache folder (default
$XDG_CACHE_HOME/clipseg or ~/.cache/clipseg; ~/Library/Caches/clipseg on macOS,
%LOCALAPPDATA%\\clipseg\\Cache on Windows); 'clipseg models' lists what it holds.`;

/** `--model` of the commands that run a bundle (`segment`, `embed`, `preprocess`, `run`): see `resolveModel`. */
export const MODEL_OPTION_HELP = `--model MODEL is one of:
  BUNDLE_DIR             a bundle folder (one with manifest.json), e.g. from 'clipseg convert'
  CHECKPOINT_DIR         an HF checkpoint folder (config.json, no manifest.json): converted (fp32)
                         into the cache (converted/) on first use, and again when its files change
  OWNER/NAME[@REVISION]  a Hub model pulled before with 'clipseg pull' (revision default main): its
                         fp32 bundle, converted from the cached checkpoint if it is not there yet.
                         A folder of that name is taken first.
Without --model: a built-in tiny model with RANDOM weights (made offline; its masks are meaningless).
${HUB_AND_CACHE}
`;

/** `--model` of `finetune`, which reads a checkpoint's parameters: see `resolveCheckpointModel`. */
export const CHECKPOINT_MODEL_HELP = `--model MODEL is one of:
  CHECKPOINT_DIR         an HF checkpoint folder (config.json); its frozen part is converted (fp32)
                         into the cache (converted/) on first use, and again when its files change
  OWNER/NAME[@REVISION]  a Hub model pulled before with 'clipseg pull' (revision default main):
                         its cached checkpoint. A folder of that name is taken first.
A bundle folder is refused: fine-tuning needs the checkpoint it was converted from.
${HUB_AND_CACHE}
`;
