/**
 * Why training ended, in words for people (CLI output, `latent info`, reports).
 */

import type { StopReason } from './types.js';

const WORDS: Record<StopReason, string> = {
  epochs: 'ran every epoch asked for',
  converged: 'stopped: the validation loss no longer improved',
  time: 'stopped at the time limit',
  callback: 'stopped on request',
};

/**
 * @example
 * describeStop('converged'); // 'stopped: the validation loss no longer improved'
 */
export function describeStop(reason: StopReason): string {
  return WORDS[reason];
}

export function isStopReason(value: unknown): value is StopReason {
  return typeof value === 'string' && Object.hasOwn(WORDS, value);
}
