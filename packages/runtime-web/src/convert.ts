/**
 * `@clipseg/runtime-web/convert`: convert an HF CLIPSeg checkpoint to a bundle in the browser
 * (`@clipseg/convert` is only bundled by apps that import this entry).
 *
 * @packageDocumentation
 */
export { convertInBrowser } from './convert/convert-in-browser.js';
export type { ConvertedInBrowser, ConvertInBrowserOptions } from './convert/convert-in-browser.js';
export { loadHubCheckpoint } from './hub/hub-checkpoint.js';
export type { HubCheckpoint, HubCheckpointOptions } from './hub/hub-checkpoint.js';
