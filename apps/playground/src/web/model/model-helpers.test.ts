import { WebLoadError } from '@clipseg/runtime-web';
import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../errors/playground-error.js';
import { summarizeBackend } from './backend-summary.js';
import { reportError } from './error-report.js';
import { describeChoice } from './model-choice.js';
import { folderUrl } from './model-loader.js';

describe('the model panel helpers', () => {
  it('summarise the backend: WebGPU, WASM threads, WASM single thread, with the fallback reasons', () => {
    expect(summarizeBackend({ backend: 'onnxruntime-web', executionProvider: 'webgpu' })).toEqual({ kind: 'webgpu', label: 'WebGPU' });
    expect(summarizeBackend({ backend: 'onnxruntime-web', executionProvider: 'wasm', threads: 4, fallbackReason: 'no WebGPU adapter' } as never)).toEqual({
      kind: 'wasm-threads',
      label: 'WASM · 4 threads',
      note: 'no WebGPU',
      detail: 'no WebGPU adapter',
    });
    expect(summarizeBackend({ backend: 'onnxruntime-web', executionProvider: 'wasm', threads: 1, threadsReason: 'the page is not cross-origin isolated' } as never)).toMatchObject({
      kind: 'wasm-single',
      label: 'WASM · single thread',
      note: 'threads limited',
    });
    expect(summarizeBackend(undefined).kind).toBe('wasm-single');
  });

  it('normalise model URLs to folders and refuse what is not http(s)', () => {
    const base = 'http://localhost:5180/';
    expect(folderUrl('https://example.com/m/rd64.bundle', base)).toBe('https://example.com/m/rd64.bundle/');
    expect(folderUrl('https://example.com/m/rd64.bundle/manifest.json', base)).toBe('https://example.com/m/rd64.bundle/');
    expect(folderUrl('https://example.com/CIDAS/clipseg/config.json', base)).toBe('https://example.com/CIDAS/clipseg/');
    expect(folderUrl('models/x', base)).toBe('http://localhost:5180/models/x/');
    expect(() => folderUrl('file:///home/me/model', base)).toThrow(expect.objectContaining({ code: 'PLAYGROUND_MODEL_URL_INVALID' }));
  });

  it('report errors with their code, their message and advice', () => {
    const notFound = reportError(new WebLoadError('WEB_NOT_FOUND', 'https://x/manifest.json answered HTTP 404.'));
    expect(notFound).toMatchObject({ code: 'WEB_NOT_FOUND', message: 'https://x/manifest.json answered HTTP 404.' });
    expect(notFound.advice).toContain('manifest.json');
    expect(reportError(new PlaygroundError('PLAYGROUND_NO_FILES', 'No files were picked.')).advice).toBe('');
    expect(reportError(new Error('boom'))).toMatchObject({ code: 'ERROR', message: 'boom' });
    expect(describeChoice({ kind: 'builtin' })).toContain('random weights');
    expect(describeChoice({ kind: 'checkpoint-url', url: 'https://h/c/', dtype: 'fp16' })).toBe('HF checkpoint https://h/c/ (fp16, converted here)');
  });
});
