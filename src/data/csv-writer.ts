/**
 * CSV writing: a matrix (plus optional extra columns such as scores or labels) as comma-separated
 * text that `parseCsv` reads back to the same float32 values. Browser-safe.
 *
 * Numbers are written with the fewest digits that round-trip through float32 (0.1, not
 * 0.10000000149011612); text is quoted only when it holds a comma, quote or line break.
 */

import { LatentError } from '../errors.js';
import type { Matrix } from './matrix.js';

/** A column appended after the matrix columns (e.g. anomaly scores, labels, timestamps). */
export interface ExtraColumn {
  readonly name: string;
  readonly values: ArrayLike<number | string>;
}

/**
 * Encode `m` as CSV. A header line is written when `header` (one name per matrix column) or extra
 * columns are given; matrix columns without names are then called `x0`, `x1`, ….
 *
 * @example
 * encodeCsv(matrix(new Float32Array([1, 0.5]), 1, 2), ['a', 'b']); // 'a,b\n1,0.5\n'
 * encodeCsv(m, names, [{ name: 'score', values: scores }]);
 */
export function encodeCsv(m: Matrix, header?: readonly string[], extraColumns: readonly ExtraColumn[] = []): string {
  if (header !== undefined && header.length !== m.cols) {
    throw new LatentError(`CSV header has ${header.length} names for ${m.cols} columns`, 'give one header name per matrix column');
  }
  for (const extra of extraColumns) {
    if (extra.values.length !== m.rows) {
      throw new LatentError(`CSV column "${extra.name}" has ${extra.values.length} values for ${m.rows} rows`, 'give one value per row');
    }
  }
  const out: string[] = [];
  if (header !== undefined || extraColumns.length > 0) {
    const names = header ?? Array.from({ length: m.cols }, (_, i) => `x${i}`);
    out.push([...names, ...extraColumns.map((e) => e.name)].map(quote).join(','));
  }
  const fields = new Array<string>(m.cols + extraColumns.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) fields[c] = formatFloat32(m.data[r * m.cols + c] as number);
    extraColumns.forEach((extra, j) => {
      const v = extra.values[r] as number | string;
      fields[m.cols + j] = typeof v === 'number' ? formatNumber(v) : quote(v);
    });
    out.push(fields.join(','));
  }
  return out.join('\n') + '\n';
}

/** The shortest decimal that reads back (through float32) to exactly `v`. */
export function formatFloat32(v: number): string {
  if ((Number.isInteger(v) && Math.abs(v) < 2 ** 24) || !Number.isFinite(v)) return String(v);
  // Whether p significant digits read back to v only grows with p (the p-digit decimal is also a
  // (p+1)-digit one, and the nearest (p+1)-digit decimal is no farther), so a binary search over
  // 1..9 finds the fewest digits in three or four tries instead of up to nine.
  let low = 1;
  let high = 9; // 9 digits always read back to a float32
  while (low < high) {
    const p = (low + high) >> 1;
    if (Math.fround(Number(v.toPrecision(p))) === v) high = p;
    else low = p + 1;
  }
  return String(Number(v.toPrecision(low)));
}

// Extra columns may carry float64 values (e.g. timestamps), which must not be rounded to float32.
function formatNumber(v: number): string {
  return Math.fround(v) === v ? formatFloat32(v) : String(v);
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// The field quoting of the streaming CSV writer (sinks/csv-sink.ts), which must match this file's.
export { quote as quoteCsvField };
