import { CLIPSegError } from '../errors.js';

/** Error codes raised while reading or checking a bundle. */
export type BundleErrorCode =
  | 'BUNDLE_NOT_FOUND'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_FORMAT_UNKNOWN'
  | 'BUNDLE_VERSION_UNSUPPORTED'
  | 'BUNDLE_FILE_MISSING'
  | 'BUNDLE_INTEGRITY';

/** A bundle is missing, malformed, corrupt, or from a newer format version. */
export class BundleError extends CLIPSegError<BundleErrorCode> {}
