/**
 * Writing a result matrix for encode/decode/reconstruct: CSV gets a header, NPY the bare array.
 */

import { extname } from 'node:path';
import type { Matrix } from '../../data/matrix.js';
import { saveMatrix } from '../../data/node-loaders.js';

/**
 * Save `m` to a .csv (with `header`) or .npy path, atomically.
 *
 * @example
 * writeMatrix('codes.csv', codes, ['z0', 'z1'], false);
 */
export function writeMatrix(path: string, m: Matrix, header: readonly string[], force: boolean): void {
  const csv = extname(path).toLowerCase() === '.csv';
  saveMatrix(path, m, { overwrite: force, ...(csv ? { header } : {}) });
}

/** Names of latent code columns: z0, z1, … */
export function codeColumns(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `z${i}`);
}

/** The training data's column names stored in the model, when they fit; else x0, x1, … */
export function featureColumns(training: { readonly [key: string]: unknown } | null, count: number): string[] {
  const stored = training?.['columns'];
  if (Array.isArray(stored) && stored.length === count && stored.every((c) => typeof c === 'string')) return stored as string[];
  return Array.from({ length: count }, (_, i) => `x${i}`);
}
