/**
 * The rows of a request body, checked against a model's columns: JSON rows as arrays (values in
 * the model's column order) or objects keyed by column name, or CSV text with a header row.
 *
 * Every problem is a LatentError (answered as 400) naming the row and column, in the words the
 * CLI's loaders use: a value that is not a finite float32 number, a row of the wrong width (with
 * the expected width and the column names), a missing column. JSON rows count from 0 (`rows[3]`);
 * CSV rows are line numbers as in a file (the header is line 1), as the CSV loader reports them.
 */

import { firstLineHasColumn, parseCsv, type CsvOptions } from '../data/csv.js';
import type { Dataset } from '../data/dataset.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';

/** Named in every message about a request's data. */
export const BODY_SOURCE = 'request body';

/** How a model reads rows: its columns, and whether CSV data is picked by their names. */
export interface RowSpec {
  /** The model's name, as clients choose it. */
  readonly model: string;
  /** One name per input value, in order. */
  readonly columns: readonly string[];
  /** Whether a CSV body is read by `columns` (the model was trained on named CSV columns). */
  readonly byName: boolean;
  /** The JSON key of the rows (`rows`, or `series` for time steps) and what one row is. */
  readonly key: 'rows' | 'series';
}

/**
 * The checked data of a request body: CSV text, or a JSON object whose `rows` (or `series`, for a
 * series model) holds the rows.
 *
 * @example
 * datasetFromBody({ rows: [[1, 2]] }, spec).x; // 1×2 matrix
 */
export function datasetFromBody(body: unknown, spec: RowSpec): Dataset {
  if (typeof body === 'string') return rowsFromCsv(body, spec);
  const rows: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, spec.key) : undefined;
  if (Array.isArray(rows)) return { x: rowsFromJson(rows, spec), columns: [...spec.columns], source: BODY_SOURCE };
  const other = spec.key === 'rows' ? 'series' : 'rows';
  const given = typeof body === 'object' && body !== null && Reflect.get(body, other) !== undefined;
  throw new LatentError(
    given
      ? `${BODY_SOURCE} holds "${other}", but the model "${spec.model}" ${spec.key === 'series' ? 'is a time-series model: it scores a series of time steps' : 'scores rows, not a series'}`
      : `${BODY_SOURCE} has no "${spec.key}" list`,
    rowShapeHint(spec),
  );
}

/**
 * The checked rows of a JSON body's array.
 *
 * @example
 * rowsFromJson([[1, 2], { a: 3, b: 4 }], spec); // 2×2 matrix, for a model with columns a, b
 */
export function rowsFromJson(rows: readonly unknown[], spec: RowSpec): Matrix {
  const { columns, key } = spec;
  const width = columns.length;
  if (rows.length === 0) throw noRows(spec);
  const data = new Float32Array(rows.length * width);
  // Plain loops, and messages built only on failure: a body may hold millions of cells.
  for (let r = 0; r < rows.length; r++) {
    const row: unknown = rows[r];
    const offset = r * width;
    if (Array.isArray(row)) {
      if (row.length !== width) throw widthError(`${BODY_SOURCE}: ${key}[${r}] has ${row.length} values`, spec);
      for (let c = 0; c < width; c++) data[offset + c] = cellValue(row[c], spec, r, c);
    } else if (typeof row === 'number' && key === 'series' && width === 1) {
      // A one-channel series may be a plain list of numbers.
      data[r] = cellValue(row, spec, r, 0);
    } else if (typeof row === 'object' && row !== null) {
      for (let c = 0; c < width; c++) {
        const name = columns[c]!;
        if (!Object.hasOwn(row, name)) throw missingColumn(`${key}[${r}]`, name, spec);
        data[offset + c] = cellValue(Reflect.get(row, name), spec, r, c);
      }
    } else {
      throw new LatentError(`${BODY_SOURCE}: ${key}[${r}] is ${describe(row)}, not a row`, rowShapeHint(spec));
    }
  }
  return matrix(data, rows.length, width);
}

/**
 * The rows of a CSV body: by the model's column names when it was trained on named CSV columns,
 * else every numeric column (as the CLI reads data for such a model); a `timestamp` column is
 * read as times for a series.
 *
 * @example
 * rowsFromCsv('a,b\n1,2\n', spec).x; // 1×2 matrix
 */
export function rowsFromCsv(text: string, spec: RowSpec): Dataset {
  const options: CsvOptions = {
    ...(spec.byName ? { columns: spec.columns, columnsFrom: `the columns the model "${spec.model}" was trained on` } : {}),
    ...(spec.key === 'series' && firstLineHasColumn(text, 'timestamp') ? { timestampColumn: 'timestamp' } : {}),
  };
  const dataset = parseCsv(text, options, BODY_SOURCE);
  if (dataset.x.cols !== spec.columns.length) throw widthError(`${BODY_SOURCE} has ${dataset.x.cols} numeric columns`, spec);
  return dataset;
}

/**
 * Names joined for a message: `x0, x1, x2, x3, …, x783` for long lists, every name for short ones.
 *
 * @example
 * listNames(['a', 'b']); // 'a, b'
 */
export function listNames(columns: readonly string[]): string {
  return columns.length > 12 ? `${columns.slice(0, 4).join(', ')}, …, ${columns.at(-1)}` : columns.join(', ');
}

function cellValue(value: unknown, spec: RowSpec, r: number, c: number): number {
  if (typeof value === 'number') {
    const v = Math.fround(value);
    // v - v is 0 for finite numbers, NaN for ±Infinity: the common case costs one test.
    if (v - v === 0) return v;
  }
  throw cellError(value, `${BODY_SOURCE}: ${spec.key}[${r}], column "${spec.columns[c]}" (index ${c})`);
}

/** Why a cell is not a finite float32 number; `where` names its row and column. */
function cellError(value: unknown, where: string): LatentError {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? new LatentError(
          `${where}: value outside the float32 range (±3.4e38): ${value}`,
          'rescale the column (e.g. log or divide by a constant)',
        )
      : nonFinite(where, String(value));
  }
  if (value === null) return new LatentError(`${where}: null value`, 'fill missing values (e.g. with the column mean) or drop the row');
  if (typeof value === 'string' && /^[+-]?(?:nan|inf|infinity)$/i.test(value.trim())) return nonFinite(where, JSON.stringify(value));
  return new LatentError(
    `${where}: non-numeric value ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`,
    'send every value as a JSON number',
  );
}

function nonFinite(where: string, text: string): LatentError {
  return new LatentError(`${where}: NaN/Inf value ${text}`, 'remove or impute missing and infinite values before sending');
}

function widthError(what: string, spec: RowSpec): LatentError {
  const n = spec.columns.length;
  const unit = spec.key === 'series' ? `channel${n === 1 ? '' : 's'} per time step` : `value${n === 1 ? '' : 's'} per row`;
  return new LatentError(
    `${what}, but the model "${spec.model}" expects ${n} ${unit}: ${listNames(spec.columns)}`,
    `send ${n} number${n === 1 ? '' : 's'} per ${spec.key === 'series' ? 'time step' : 'row'} in that order, or objects keyed by those column names (GET /v1/models lists them)`,
  );
}

function missingColumn(at: string, name: string, spec: RowSpec): LatentError {
  return new LatentError(
    `${BODY_SOURCE}: ${at} has no column "${name}"; the model "${spec.model}" reads ${listNames(spec.columns)}`,
    'key each value by its column name, or send the row as an array in column order',
  );
}

function noRows(spec: RowSpec): LatentError {
  return new LatentError(`${BODY_SOURCE}: "${spec.key}" holds no ${spec.key === 'series' ? 'time steps' : 'rows'}`, rowShapeHint(spec));
}

/** How to send rows (or a series) to a model. */
export function rowShapeHint(spec: Pick<RowSpec, 'key'>): string {
  return spec.key === 'series'
    ? 'send {"series": [[v, ...], ...]} with one time step per row (oldest first), or CSV with a header row'
    : 'send {"rows": [[v, ...], ...]} or {"rows": [{"column": v, ...}, ...]}, or CSV with a header row';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
