/**
 * The rows a report shows: the validation rows the run held out (rows the model never trained
 * on), or every row when none were held out, thinned evenly to a few thousand so a report of a
 * large data set stays quick and small. Also the image shape of the data, when they are images.
 *
 * Invariant: the same inputs give the same rows (no randomness here; the split's seed decided).
 */

import type { Dataset } from '../../data/dataset.js';
import type { Matrix } from '../../data/matrix.js';
import { takeRows } from '../../train/batches.js';
import type { GridImageShape } from '../views/image-rows.js';

/** Most rows a report scores, projects and draws. */
export const REPORT_ROWS = 2000;

export interface ReportRows {
  /** Row numbers in the data. */
  readonly indices: Uint32Array;
  readonly x: Matrix;
  /** The data's labels for these rows, or null. */
  readonly labels: Float32Array | null;
  /** True when these are held-out rows (the model did not train on them). */
  readonly heldOut: boolean;
  /** Rows before thinning. */
  readonly available: number;
  /** "validation rows" or "training rows", for sentences. */
  readonly words: string;
}

/**
 * The rows to show: `validation` when it has any, else every row; at most `limit`, evenly spaced.
 *
 * @example
 * const rows = reportRows(dataset, validationIndices(dataset.x.rows, 0.1, 42).validation);
 */
export function reportRows(data: Dataset, validation: Uint32Array, limit = REPORT_ROWS): ReportRows {
  const heldOut = validation.length > 0;
  const pool = heldOut ? validation : Uint32Array.from({ length: data.x.rows }, (_, i) => i);
  const indices = pool.length <= limit ? pool : Uint32Array.from({ length: limit }, (_, i) => pool[Math.floor((i * pool.length) / limit)]!);
  const labels = data.labels === undefined ? null : Float32Array.from(indices, (r) => data.labels![r]!);
  return {
    indices,
    x: takeRows(data.x, indices),
    labels,
    heldOut,
    available: pool.length,
    words: heldOut ? 'validation rows' : 'training rows (none were held out)',
  };
}

/** Height, width and channels of one sample when the data are images, else null. */
export function imageShapeOf(data: Dataset): (GridImageShape & { channels: 1 | 3 }) | null {
  const shape = data.sampleShape;
  if (shape === undefined) return null;
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1 };
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return { height: shape[0]!, width: shape[1]!, channels: shape[2] };
  return null;
}

/** Whether labels are 0/1 with both classes present (anomaly labels), so ROC and PR apply. */
export function isBinary(labels: ArrayLike<number> | null): labels is ArrayLike<number> {
  if (labels === null) return false;
  let zeros = 0;
  let ones = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 0) zeros++;
    else if (labels[i] === 1) ones++;
    else return false;
  }
  return zeros > 0 && ones > 0;
}
