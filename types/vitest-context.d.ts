// Values the root vitest.config.ts provides to every test file via inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of `../shared`, or '' when it is absent. */
    sharedDir: string;
    /** Absolute path of the repository root. */
    repoRoot: string;
  }
}
