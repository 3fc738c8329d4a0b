import { describe, inject, it } from 'vitest';

/** Appended to the name of every suite that needs `../shared`. */
export const NEEDS_SHARED = '(needs ../shared; skipped when absent)';

/**
 * The absolute path of `../shared` (goldens, images, the CLIP vocabulary) that the root vitest config found beside
 * the checkout, or `''` on a user's fresh clone. CI sets `CLIPSEG_REQUIRE_SHARED=1`, which makes the config fail
 * the run when it is missing instead of letting the suites below skip.
 */
export function sharedDir(): string {
  return inject('sharedDir');
}

/**
 * `describe` for a suite that reads `../shared`: with the folder present, `body` runs with its path; without it,
 * `body` is never called (so nothing it reads at collection time can fail) and one skipped test stands in its
 * place, named so the report says why.
 *
 * @param name - the suite's name
 * @param body - registers the suite's tests, given the `../shared` path
 * @param options - passed to `describe` (e.g. `{ timeout }`)
 */
export function describeWithShared(name: string, body: (shared: string) => void, options?: { timeout?: number }): void {
  const shared = sharedDir();
  if (shared === '') {
    describe.skip(`${name} ${NEEDS_SHARED}`, () => {
      it('needs ../shared beside the checkout', () => undefined);
    });
    return;
  }
  describe(name, options ?? {}, () => body(shared));
}

/**
 * `it` for one test that reads `../shared` inside an otherwise self-contained suite: skipped, with the reason in
 * its name, when the folder is absent.
 */
export function itWithShared(name: string, fn: (shared: string) => unknown, timeout?: number): void {
  const shared = sharedDir();
  if (shared === '') it.skip(`${name} ${NEEDS_SHARED}`, () => undefined);
  else it(name, () => fn(shared), timeout);
}
