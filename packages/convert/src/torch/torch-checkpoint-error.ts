import { CLIPSegError } from '@clipseg/core';

/**
 * Stable codes of {@link TorchCheckpointError}. Catch by code, never by message.
 *
 * Container (zip) level:
 * - `TORCH_ZIP_INVALID`: the bytes are not a well-formed zip archive: no end of
 *   central directory, a record or an entry that runs past the end of the file,
 *   a bad signature, duplicate entry names, a truncated file …
 * - `TORCH_ZIP_UNSUPPORTED`: a zip feature this reader refuses (encryption,
 *   archives split over several disks).
 * - `TORCH_ZIP_UNSUPPORTED_COMPRESSION`: an entry is compressed. `torch.save`
 *   stores every entry uncompressed (method 0); nothing is ever decompressed.
 * - `TORCH_ZIP_CHECKSUM_MISMATCH`: an entry's bytes do not match its CRC-32.
 * - `TORCH_LEGACY_FORMAT`: the file is the pre-1.6 non-zip `torch.save` format.
 * - `TORCH_ARCHIVE_INVALID`: a valid zip that is not a `torch.save` archive: no
 *   `<name>/data.pkl`, several of them, an unreadable `version` record …
 * - `TORCH_BYTEORDER_UNSUPPORTED`: `<name>/byteorder` says something other
 *   than `little`.
 *
 * Pickle level (nothing in the pickle is ever executed; these say why it was refused):
 * - `TORCH_PICKLE_INVALID`: malformed or truncated pickle, a stack underflow, a
 *   missing memo entry, a value of the wrong type for an operation …
 * - `TORCH_PICKLE_UNSUPPORTED_OPCODE`: an opcode outside the restricted set.
 * - `TORCH_PICKLE_FORBIDDEN_GLOBAL`: the pickle names a Python global that is
 *   not on the allow-list (`os.system`, `builtins.eval` …). `details.global`
 *   holds the dotted name.
 * - `TORCH_PICKLE_TOO_DEEP`: MARK or container nesting beyond `maxDepth`.
 * - `TORCH_PICKLE_LIMIT_EXCEEDED`: a resource limit: pickle size, stack size,
 *   memo size, object count or string length.
 *
 * Tensor level:
 * - `TORCH_STORAGE_INVALID`: a persistent id that is not
 *   `('storage', <StorageType>, key, location, numel)`.
 * - `TORCH_STORAGE_MISSING`: a persistent id names a storage with no
 *   `<name>/data/<key>` entry.
 * - `TORCH_STORAGE_OVERRUN`: a storage claims more bytes (numel × element
 *   size) than its zip entry holds.
 * - `TORCH_SHAPE_INVALID`: a size, stride or storage offset that is not a
 *   non-negative integer, or size and stride of different lengths.
 * - `TORCH_SHAPE_TOO_LARGE`: more elements (or dimensions) than the reader's limit.
 * - `TORCH_VIEW_OUT_OF_BOUNDS`: a tensor's offset, size and stride reach past
 *   the end of its storage.
 *
 * Checkpoint level:
 * - `TORCH_NOT_A_STATE_DICT`: the pickled object is not a dict of tensors.
 * - `TORCH_TENSOR_NOT_FOUND`: no tensor of that name.
 * - `TORCH_READER_CLOSED`: the reader was used after `close()`.
 */
export type TorchCheckpointErrorCode =
  | 'TORCH_ZIP_INVALID'
  | 'TORCH_ZIP_UNSUPPORTED'
  | 'TORCH_ZIP_UNSUPPORTED_COMPRESSION'
  | 'TORCH_ZIP_CHECKSUM_MISMATCH'
  | 'TORCH_LEGACY_FORMAT'
  | 'TORCH_ARCHIVE_INVALID'
  | 'TORCH_BYTEORDER_UNSUPPORTED'
  | 'TORCH_PICKLE_INVALID'
  | 'TORCH_PICKLE_UNSUPPORTED_OPCODE'
  | 'TORCH_PICKLE_FORBIDDEN_GLOBAL'
  | 'TORCH_PICKLE_TOO_DEEP'
  | 'TORCH_PICKLE_LIMIT_EXCEEDED'
  | 'TORCH_STORAGE_INVALID'
  | 'TORCH_STORAGE_MISSING'
  | 'TORCH_STORAGE_OVERRUN'
  | 'TORCH_SHAPE_INVALID'
  | 'TORCH_SHAPE_TOO_LARGE'
  | 'TORCH_VIEW_OUT_OF_BOUNDS'
  | 'TORCH_NOT_A_STATE_DICT'
  | 'TORCH_TENSOR_NOT_FOUND'
  | 'TORCH_READER_CLOSED';

const NOTHING_EXECUTED = 'Nothing from the file was executed.';

const CONVERT_ADVICE =
  'Load only checkpoints from sources you trust. If this file comes from a trusted source, use its model.safetensors ' +
  "instead, or convert it in Python with `safetensors.torch.save_file(torch.load(path, weights_only=True), 'model.safetensors')`.";

const DAMAGED_ADVICE =
  'The file is damaged, truncated or not a torch.save checkpoint: download it again, or use the model.safetensors of the same model.';

const CRAFTED_ADVICE =
  'The file is corrupt or crafted (torch.load would read memory it does not own); do not load it with PyTorch either. ' +
  'Download the checkpoint again from a trusted source, or use its model.safetensors.';

/** The sentence appended to each message, by code: what to do about it. */
const ADVICE: Readonly<Record<TorchCheckpointErrorCode, string>> = {
  TORCH_ZIP_INVALID: DAMAGED_ADVICE,
  TORCH_ZIP_UNSUPPORTED: `${DAMAGED_ADVICE} torch.save never writes encrypted or multi-disk archives.`,
  TORCH_ZIP_UNSUPPORTED_COMPRESSION: `torch.save stores entries uncompressed; this file was repacked. ${CONVERT_ADVICE}`,
  TORCH_ZIP_CHECKSUM_MISMATCH: DAMAGED_ADVICE,
  TORCH_LEGACY_FORMAT: `Re-save it with torch >= 1.6 (zip format), or better: ${CONVERT_ADVICE}`,
  TORCH_ARCHIVE_INVALID: DAMAGED_ADVICE,
  TORCH_BYTEORDER_UNSUPPORTED: `Re-save the checkpoint on a little-endian machine, or: ${CONVERT_ADVICE}`,
  TORCH_PICKLE_INVALID: `${DAMAGED_ADVICE} ${CONVERT_ADVICE}`,
  TORCH_PICKLE_UNSUPPORTED_OPCODE: `This restricted reader only understands the pickles torch.save writes for state dicts. ${CONVERT_ADVICE}`,
  TORCH_PICKLE_FORBIDDEN_GLOBAL: `Only tensor-rebuilding globals are allowed; a state dict never needs others, so the file may be malicious. ${CONVERT_ADVICE}`,
  TORCH_PICKLE_TOO_DEEP: `Real state dicts nest a few levels at most; the file may be malicious. ${CONVERT_ADVICE}`,
  TORCH_PICKLE_LIMIT_EXCEEDED: `If the checkpoint is trusted and really this large, raise the limit in the reader options; otherwise ${CONVERT_ADVICE}`,
  TORCH_STORAGE_INVALID: CRAFTED_ADVICE,
  TORCH_STORAGE_MISSING: CRAFTED_ADVICE,
  TORCH_STORAGE_OVERRUN: CRAFTED_ADVICE,
  TORCH_SHAPE_INVALID: CRAFTED_ADVICE,
  TORCH_SHAPE_TOO_LARGE: `If the checkpoint is trusted and the tensor really is that large, raise maxTensorElements; otherwise ${CRAFTED_ADVICE}`,
  TORCH_VIEW_OUT_OF_BOUNDS: CRAFTED_ADVICE,
  TORCH_NOT_A_STATE_DICT: `Save the model's state_dict (\`torch.save(model.state_dict(), path)\`), or ${CONVERT_ADVICE}`,
  TORCH_TENSOR_NOT_FOUND: 'Call list() for the tensor names this checkpoint has.',
  TORCH_READER_CLOSED: 'Open the checkpoint again to read more tensors.',
};

/**
 * A `torch.save` checkpoint (`pytorch_model.bin`) was refused or a read
 * cannot be served. Messages say what is wrong, that nothing from the file
 * was executed (this reader never executes anything) and what to do.
 */
export class TorchCheckpointError extends CLIPSegError<TorchCheckpointErrorCode> {}

/**
 * Builds a {@link TorchCheckpointError} whose message is `problem`, the
 * standard "Nothing from the file was executed." sentence and the advice for
 * `code`.
 *
 * @param code - stable error code
 * @param problem - what is wrong, one or two sentences ending with a period
 * @param details - structured context (offsets, names, sizes)
 * @param cause - underlying error, if any
 */
export function torchError(
  code: TorchCheckpointErrorCode,
  problem: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): TorchCheckpointError {
  const options: { cause?: unknown; details?: Record<string, unknown> } = {};
  if (details !== undefined) options.details = details;
  if (cause !== undefined) options.cause = cause;
  return new TorchCheckpointError(code, `${problem} ${NOTHING_EXECUTED} ${ADVICE[code]}`, options);
}
