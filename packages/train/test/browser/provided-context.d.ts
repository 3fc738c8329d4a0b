// The value the browser project's global setup (packages/runtime-web/test/browser-global-setup.ts) provides to
// browser tests via inject(): the fixture server that serves ../shared and onnxruntime-web's files.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the fixture server (`http://127.0.0.1:PORT`): `/shared/…` and `/ort/…`. */
    fixtureOrigin: string;
  }
}
