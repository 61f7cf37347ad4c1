/**
 * CSV/TSV parsing into a Dataset. Browser-safe: text in, Dataset out (csv-parse's sync API does
 * the quoting rules).
 *
 * Rules, so that what happens with a file is predictable:
 * - Delimiter: comma, semicolon or tab, whichever appears most in the first line (comma on ties).
 * - Header (`header: 'auto'`): the first row is a header when a non-empty cell of it is not a
 *   number while the cell below it is, or when all its non-empty cells are non-numeric.
 * - Features are the selected `columns` (strict: every one must hold numbers). Without `columns`,
 *   they are every numeric column except the label and timestamp columns: a column is left out
 *   (and listed in `skippedColumns`) when none of its non-empty cells in the first
 *   20 data rows is a number (ids, names, dates), or when it is named `timestamp`.
 *   Only feature, label and timestamp cells are read, so skipped columns do no harm.
 * - Every feature and label cell must be a finite decimal number that fits in float32; anything
 *   else stops with the file, the row number as in the file (the header is line 1), the column
 *   and the cell text — also in a column that started numeric and later holds text.
 * - Timestamps: ISO 8601 dates without a zone are read as UTC; other text goes through
 *   `Date.parse`; a plain number is taken as milliseconds since the epoch.
 */

import { parse } from 'csv-parse/sync';
import { LatentError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { csvLayout, readCsvRecord, sniffDelimiter, type CsvRowTarget } from './csv-layout.js';
import { matrix } from './matrix.js';

/** A column named by its header text or by its 0-based position. */
export type ColumnRef = string | number;

export interface CsvOptions {
  /** Whether the first row holds column names (default `'auto'`, see the file header). */
  readonly header?: boolean | 'auto';
  /** Field separator (default `'auto'`). */
  readonly delimiter?: ',' | ';' | '\t' | 'auto';
  /** Feature columns to read, in this order (default: the numeric columns but label and timestamps). */
  readonly columns?: readonly ColumnRef[];
  /**
   * What chose `columns`, named in errors when the file lacks some of them, e.g. `the training
   * columns of model.safetensors` (default: the user chose them).
   */
  readonly columnsFrom?: string;
  /** Column holding a numeric label per row, returned as `labels` and kept out of the features. */
  readonly labelColumn?: ColumnRef;
  /** Column holding a date/time per row, returned as `timestamps` and kept out of the features. */
  readonly timestampColumn?: ColumnRef;
  /** Column holding a row identifier, returned as text in `ids` and kept out of the features. */
  readonly idColumn?: ColumnRef;
}

/** A column left out of the default feature set, and why. */
export interface SkippedColumn {
  readonly name: string;
  /** 0-based position in the file. */
  readonly index: number;
  /** `text`: ids, names, categories; `timestamp`: dates/times, or a column named timestamp. */
  readonly reason: 'text' | 'timestamp';
}

/** What `parseCsv` returns: a Dataset, plus the columns the default feature set left out. */
export interface CsvDataset extends Dataset {
  /** Present only when columns were skipped (never with explicit `columns`). */
  readonly skippedColumns?: readonly SkippedColumn[];
  /** The id column's text, one per row (only with the `idColumn` option). */
  readonly ids?: readonly string[];
}

/**
 * Parse CSV text into a Dataset. `source` names the file in error messages.
 *
 * @example
 * const ds = parseCsv('timestamp,value\n2014-04-01 00:00:00,20.5\n', { timestampColumn: 'timestamp' }, 'a.csv');
 * ds.x.data; // Float32Array [20.5]; ds.timestamps: [1396310400000]
 */
export function parseCsv(text: string, options: CsvOptions, source: string): CsvDataset {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new LatentError(`${source}: the file is empty`, 'pass a CSV file with one sample per row');
  }
  const delimiter = options.delimiter === undefined || options.delimiter === 'auto' ? sniffDelimiter(body) : options.delimiter;
  const { records, lines } = readRecords(body, delimiter, source);
  const layout = csvLayout(records, options, source);
  const firstData = layout.hasHeader ? 1 : 0;
  if (records.length <= firstData) {
    throw new LatentError(`${source}: the file has a header but no data rows`, 'add one sample per row below the header');
  }
  const rows = records.length - firstData;
  const target: CsvRowTarget = {
    values: new Float32Array(rows * layout.features.length),
    ...(layout.labelIndex === undefined ? {} : { labels: new Float32Array(rows) }),
    ...(layout.timeIndex === undefined ? {} : { timestamps: new Array<number>(rows) }),
    ...(layout.idIndex === undefined ? {} : { ids: new Array<string>(rows) }),
  };
  for (let r = 0; r < rows; r++) {
    readCsvRecord(records[firstData + r] as string[], lines[firstData + r] as number, layout, source, target, r);
  }
  return {
    x: matrix(target.values, rows, layout.features.length),
    columns: layout.features.map((c) => layout.names[c] as string),
    source,
    ...(target.labels === undefined ? {} : { labels: target.labels }),
    ...(target.timestamps === undefined ? {} : { timestamps: target.timestamps }),
    ...(target.ids === undefined ? {} : { ids: target.ids }),
    ...(layout.skipped.length === 0 ? {} : { skippedColumns: layout.skipped }),
  };
}

/**
 * Whether the first line of CSV/TSV text names a column `name`: a quick look at the header before
 * a full parse (cells split on any delimiter, surrounding quotes removed).
 *
 * @example
 * firstLineHasColumn('timestamp,value\n2014-04-01,1\n', 'timestamp'); // true
 */
export function firstLineHasColumn(text: string, name: string): boolean {
  const firstLine = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.split(/[,;\t]/).some((cell) => cell.trim().replace(/^"(.*)"$/, '$1') === name);
}

function readRecords(body: string, delimiter: string, source: string): { records: string[][]; lines: number[] } {
  const lines: number[] = [];
  let parsed: string[][];
  try {
    parsed = parse(body, {
      delimiter,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `${source}: cannot parse as CSV: ${reason}`,
      'check the quoting near that line: every opening " needs a closing "',
    );
  }
  // Whitespace-only lines survive skip_empty_lines as one empty field; drop them with their line numbers.
  const records: string[][] = [];
  const kept: number[] = [];
  parsed.forEach((record, i) => {
    if (record.length === 1 && record[0] === '') return;
    records.push(record);
    kept.push(lines[i] as number);
  });
  return { records, lines: kept };
}
