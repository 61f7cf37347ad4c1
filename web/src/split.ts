/**
 * The playground's train/validation split, by row index so the page can name the rows it shows:
 * a seeded random split (data sorted by class or time still mixes), each part in file order.
 * The shown samples are the validation rows (at most `MAX_SHOWN`), or the first rows when
 * nothing is held out.
 */

import { heldOutRows, LatentError, splitIndices } from '../../src/index.js';

/** Samples drawn in the scatter and scored in the anomaly view. */
export const MAX_SHOWN = 1000;

export interface RowSplit {
  readonly trainRows: Uint32Array;
  readonly validationRows: Uint32Array;
  readonly shownRows: Uint32Array;
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
  return { trainRows, validationRows, shownRows: pool.slice(0, MAX_SHOWN) };
}
