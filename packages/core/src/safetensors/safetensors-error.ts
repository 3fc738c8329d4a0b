import { CLIPSegError } from '../errors.js';

/**
 * Stable codes of {@link SafetensorsError}. Catch by code, never by message.
 *
 * - `SAFETENSORS_TRUNCATED`: the file ends before what it claims: shorter than
 *   the 8-byte length prefix, shorter than the header length it declares, or a
 *   tensor's `data_offsets` run past the end of the data (an incomplete
 *   download, or a header that lies).
 * - `SAFETENSORS_HEADER_TOO_LARGE`: the declared header length is over the
 *   reader's `maxHeaderBytes` limit (default 100 MiB).
 * - `SAFETENSORS_HEADER_INVALID`: the header is not UTF-8, not JSON, not a JSON
 *   object, or an entry is not `{ dtype, shape, data_offsets }`.
 * - `SAFETENSORS_METADATA_INVALID`: `__metadata__` is not an object of string
 *   values.
 * - `SAFETENSORS_DTYPE_UNSUPPORTED`: an entry names a dtype this library does
 *   not know (at open), or the requested conversion does not exist for it (at read).
 * - `SAFETENSORS_DTYPE_MISMATCH`: a typed read (`readFloat32`) was asked of a
 *   tensor whose dtype cannot be converted that way.
 * - `SAFETENSORS_SHAPE_INVALID`: a dimension is negative, fractional, not a
 *   number or beyond 2^53, or the element count overflows 64 bits (checked
 *   dimension by dimension, as the reference library does).
 * - `SAFETENSORS_OFFSETS_INVALID`: `data_offsets` is not two non-negative
 *   integers with begin ≤ end, or its length is not `numel × dtype size`.
 * - `SAFETENSORS_OVERLAP`: two tensors share bytes (or an empty tensor sits
 *   inside another).
 * - `SAFETENSORS_COVERAGE_INCOMPLETE`: the tensors do not tile the data region
 *   exactly: it does not start at 0, has a gap, or has trailing bytes (HF's
 *   `MetadataIncompleteBuffer`).
 * - `SAFETENSORS_TENSOR_NOT_FOUND`: no tensor of that name.
 * - `SAFETENSORS_CLOSED`: the reader was used after `close()`.
 * - `SAFETENSORS_INPUT_INVALID`: the writer was given an invalid name, tensor
 *   or metadata, or the reader an invalid option.
 */
export type SafetensorsErrorCode =
  | 'SAFETENSORS_TRUNCATED'
  | 'SAFETENSORS_HEADER_TOO_LARGE'
  | 'SAFETENSORS_HEADER_INVALID'
  | 'SAFETENSORS_METADATA_INVALID'
  | 'SAFETENSORS_DTYPE_UNSUPPORTED'
  | 'SAFETENSORS_DTYPE_MISMATCH'
  | 'SAFETENSORS_SHAPE_INVALID'
  | 'SAFETENSORS_OFFSETS_INVALID'
  | 'SAFETENSORS_OVERLAP'
  | 'SAFETENSORS_COVERAGE_INCOMPLETE'
  | 'SAFETENSORS_TENSOR_NOT_FOUND'
  | 'SAFETENSORS_CLOSED'
  | 'SAFETENSORS_INPUT_INVALID';

/** A safetensors file is malformed, or a read or write request cannot be served. */
export class SafetensorsError extends CLIPSegError<SafetensorsErrorCode> {}
