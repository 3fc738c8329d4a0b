import { BackendError, BundleError, CLIPSegError, isCLIPSegError, PipelineError } from '@clipseg/core';
import { WebLoadError } from '../errors/web-load-error.js';
import { WebImageError } from '../image/web-image-error.js';
import type { WireError } from './protocol.js';

const CLASSES: Record<string, new (code: never, message: string, options?: { details?: Record<string, unknown> }) => CLIPSegError> = {
  BackendError,
  BundleError,
  PipelineError,
  WebLoadError,
  WebImageError,
};

/** Serializes an error for `postMessage`. @internal */
export function toWireError(error: unknown): WireError {
  if (isCLIPSegError(error)) return { name: error.name, message: error.message, code: error.code, ...(error.details ? { details: { ...error.details } } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Rebuilds an error from the worker: the same class for this package's and core's pipeline, backend and bundle
 * errors, a {@link CLIPSegError} with the same `code` and `name` for other toolkit errors, else an `Error`. @internal
 */
export function fromWireError(wire: WireError): Error {
  if (wire.code === undefined) {
    const error = new Error(wire.message);
    error.name = wire.name;
    return error;
  }
  const Class = CLASSES[wire.name];
  const error = Class ? new Class(wire.code as never, wire.message, { details: wire.details }) : new CLIPSegError(wire.code, wire.message, { details: wire.details });
  if (!Class) error.name = wire.name;
  return error;
}
