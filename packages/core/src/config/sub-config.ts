import { ProblemList } from './config-error.js';
import { isJsonObject, toJsonObject, type JsonObject } from './field-reader.js';

/**
 * The record a text or vision config is read from. Like HF's
 * `from_pretrained` on a sub-config class, a full CLIPSeg config
 * (`model_type: "clipseg"`) is accepted and its `key` section is used; `prefix`
 * is then the field path for messages.
 *
 * @throws ConfigError on bad JSON or a section that is not an object
 */
export function subConfigRecord(json: unknown, key: 'text_config' | 'vision_config', what: string): { record: JsonObject; prefix: string } {
  const record = toJsonObject(json, what);
  if (record.model_type !== 'clipseg') return { record, prefix: '' };
  const sub = record[key] ?? {};
  if (!isJsonObject(sub)) {
    const problems = new ProblemList();
    problems.add('CONFIG_INVALID_FIELD', key, `expected an object. Pass a CLIPSeg config whose ${key} is a JSON object.`);
    problems.throwIfAny(what);
  }
  return { record: sub as JsonObject, prefix: key };
}
