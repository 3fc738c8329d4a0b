// Values the browser project's global setup (test/browser-global-setup.ts) provides to browser tests via inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the fixture server (`http://127.0.0.1:PORT`), cross-origin to the test page. */
    fixtureOrigin: string;
    /** Origin of a CORS-enabled imitation of the Hugging Face Hub serving `acme/tiny`, `acme/gated` (token hf_test), `acme/corrupt`. */
    hubOrigin: string;
  }
}
