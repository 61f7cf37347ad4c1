/**
 * The playground's train/validation split, by row index so the page can name the rows it shows:
 * a seeded random split (data sorted by class or time still mixes), each part in file order.
 * The shown samples are the validation rows (at most `MAX_SHOWN`), or the first rows when
 * nothing is held out.
 */

import { heldOutRows, LatentError, splitIndices, type ValidationSplitRecord } from '../../src/index.js';
import type { ShownRows } from './protocol.js';

/** Samples drawn in the scatter and scored in the anomaly view. */
export const MAX_SHOWN = 1000;

export interface RowSplit {
  readonly trainRows: Uint32Array;
  readonly validationRows: Uint32Array;
  readonly shownRows: Uint32Array;
  /** Which rows `shownRows` are. */
  readonly shown: ShownRows;
}

/**
 * Split `rows` rows, holding out `fraction` of them.
 *
 * @example
 * splitRows(100, 0.1, 42).validationRows.length; // 10
 */
export function splitRows(rows: number, fraction: number, seed: number): RowSplit {
  const { held, empty } = heldOutRows(rows, fraction);
  if (empty !== null) {
    throw new LatentError(
      `validation: holding out ${Math.round(fraction * 100)}% of ${rows} rows leaves no rows for ${empty}`,
      'use more rows, or a validation share between 5% and 50%',
    );
  }
  if (rows < 2) throw new LatentError(`the data has ${rows} row; training needs at least 2`, 'use a file with more rows');
  const { train: trainRows, validation: validationRows } = splitIndices(rows, held, seed);
  const pool = held > 0 ? validationRows : trainRows;
  return { trainRows, validationRows, shownRows: pool.slice(0, MAX_SHOWN), shown: held > 0 ? 'held-out' : 'training' };
}

/**
 * The split of a model's `split` record on data of `rows` rows: the rows it was trained and
 * validated on, when the record is there and was drawn from as many rows; the first rows (all
 * counted as training rows) when the file records no split; or why the rows cannot be named.
 *
 * @example
 * splitForModel(600, { fraction: 0.2, seed: 7, rows: 600 }); // the same split as splitRows(600, 0.2, 7)
 */
export function splitForModel(rows: number, split: ValidationSplitRecord | null): RowSplit | { readonly mismatch: string } {
  if (split === null) {
    const all = Uint32Array.from({ length: rows }, (_, i) => i);
    return { trainRows: all, validationRows: new Uint32Array(0), shownRows: all.slice(0, MAX_SHOWN), shown: 'first' };
  }
  if (split.rows !== rows) {
    return {
      mismatch: `the model held out ${Math.round(split.fraction * 100)}% of ${split.rows} rows, and the current data has ${rows}: load the data it was trained on to see its held-out rows`,
    };
  }
  return splitRows(rows, split.fraction, split.seed);
}
