/**
 * The LatentError a call throws, so tests can check its message and hint. Anything else thrown
 * (or nothing thrown) fails the test.
 */

import { LatentError } from '../errors.js';

/**
 * Run `run` and return the LatentError it throws.
 *
 * @example
 * expect(caughtLatentError(() => parseNumber('--lr', 'x')).hint).toMatch(/number/);
 */
export function caughtLatentError(run: () => unknown): LatentError {
  try {
    run();
  } catch (error) {
    if (error instanceof LatentError) return error;
    throw error;
  }
  throw new Error('expected a LatentError');
}
