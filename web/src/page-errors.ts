/**
 * The library's errors in the playground's words. The library words its hints for the command
 * line ("pass the model file written by latent train", "use e.g. percentile:99", "--lr"); on this
 * page the fix is a control or a file, so such hints are replaced by one that names what to do
 * here. Messages (what went wrong, naming the file, row or tensor) are kept as they are.
 *
 * Invariant: no text this returns names a command, an option flag or a rule in command-line
 * syntax (`CLI_WORDING` finds those; tests run every library error the page can meet through it).
 */

import { isLatentError } from '../../src/errors.js';
import type { ErrorContext } from './protocol.js';

/** What the page shows for an error: a message and, when there is one, how to fix it. */
export interface PageError {
  readonly message: string;
  readonly hint: string | null;
}

/** Where on the page an error arises: the worker's contexts, the data loader and the threshold rule. */
export type PageErrorContext = ErrorContext | 'data' | 'threshold';

/**
 * Command-line and programmer wording: a `latent` command, an option flag, the DATA argument, npm,
 * `rule:value` syntax, or code to write (a model file's metadata from Python).
 */
export const CLI_WORDING =
  /\blatent (train|score|info|evaluate|sweep)\b|(^|\s|\()--[a-z]|\bDATA argument\b|\bnpm install\b|\bmodel\.save\b|\bjson\.dumps\b|\b(contamination|percentile|std|mad|pot):[\d.e-]+/;

/** Hints that fit the page, by where the error arose. */
const PAGE_HINTS: Readonly<Record<PageErrorContext, string>> = {
  open: 'open a .safetensors model file downloaded from this playground or saved by latent',
  save: 'train a model (or open one) first',
  train: 'change the settings above and press Train again',
  data: 'fix the file, or remove the columns that are not numbers, and choose it again',
  threshold: 'enter a value in the range shown next to the rule',
};

/** Hints for particular library errors that say more than the context's hint. */
const SPECIFIC_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/training diverged/, 'lower the learning rate, or choose the mse loss; the weights before the failure are kept'],
  [/uses model format version/, 'this file comes from a newer latent: open it with a newer playground'],
  [/is a text file/, 'this looks like a data file: load it under Data as a CSV file, and open a .safetensors model here'],
];

/**
 * `error` as the page shows it from `context`.
 *
 * @example
 * pageError(new LatentError('m.csv is a text file', 'pass the model file written by latent train'), 'open').hint;
 * // 'this looks like a data file: load it under Data as a CSV file, ...'
 */
export function pageError(error: unknown, context: PageErrorContext): PageError {
  if (!isLatentError(error)) {
    return { message: error instanceof Error ? error.message : String(error), hint: null };
  }
  return pageWording(error.message, error.hint ?? null, context);
}

/** A message and hint (as the worker posts them) in the page's words. */
export function pageWording(message: string, hint: string | null, context: PageErrorContext): PageError {
  if (hint === null || !CLI_WORDING.test(hint)) return { message, hint };
  const specific = SPECIFIC_HINTS.find(([pattern]) => pattern.test(message));
  return { message, hint: specific?.[1] ?? PAGE_HINTS[context] };
}
