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
import { defaultColumnNames } from './dataset.js';
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
}

/** Data rows looked at to tell text columns from numeric ones. */
const SAMPLE_ROWS = 20;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DATE_LIKE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?:[ T]\d{1,2}:\d{2}.*)?$/;

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
  if (records.length === 0) {
    throw new LatentError(`${source}: the file is empty`, 'pass a CSV file with one sample per row');
  }
  const first = records[0] as string[];
  const hasHeader = options.header === undefined || options.header === 'auto' ? looksLikeHeader(first, records[1]) : options.header;
  const width = first.length;
  const names = hasHeader ? first.map((name, i) => (name === '' ? `x${i}` : name)) : defaultColumnNames(width);
  const firstData = hasHeader ? 1 : 0;
  if (records.length <= firstData) {
    throw new LatentError(`${source}: the file has a header but no data rows`, 'add one sample per row below the header');
  }

  const resolve = (ref: ColumnRef, role: string): number => resolveColumn(ref, role, names, hasHeader, source);
  const labelIndex = options.labelColumn === undefined ? undefined : resolve(options.labelColumn, 'label column');
  const timeIndex = options.timestampColumn === undefined ? undefined : resolve(options.timestampColumn, 'timestamp column');
  const reserved = (c: number): boolean => c === labelIndex || c === timeIndex;
  let features: number[];
  let skipped: SkippedColumn[] = [];
  if (options.columns === undefined) {
    ({ features, skipped } = defaultFeatures(records.slice(firstData, firstData + SAMPLE_ROWS), names, hasHeader, reserved, source));
  } else {
    features = selectFeatures(options.columns, options.columnsFrom, names, hasHeader, labelIndex, timeIndex, resolve, source);
  }

  const rows = records.length - firstData;
  const values = new Float32Array(rows * features.length);
  const labels = labelIndex === undefined ? undefined : new Float32Array(rows);
  const timestamps = timeIndex === undefined ? undefined : new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    const record = records[firstData + r] as string[];
    const line = lines[firstData + r] as number;
    if (record.length !== width) {
      throw new LatentError(
        `${source}: row ${line} has ${record.length} fields, but ${hasHeader ? 'the header' : 'the first row'} has ${width}`,
        'every row needs the same number of fields; check for a missing or extra delimiter, or unquoted text containing one',
      );
    }
    const cell = (c: number): Cell => ({ text: record[c] as string, line, name: names[c] as string, index: c, source });
    for (let j = 0; j < features.length; j++) values[r * features.length + j] = parseNumber(cell(features[j] as number));
    if (labels !== undefined) labels[r] = parseNumber(cell(labelIndex as number));
    if (timestamps !== undefined) timestamps[r] = parseTimestamp(cell(timeIndex as number));
  }
  return {
    x: matrix(values, rows, features.length),
    columns: features.map((c) => names[c] as string),
    source,
    ...(labels === undefined ? {} : { labels }),
    ...(timestamps === undefined ? {} : { timestamps }),
    ...(skipped.length === 0 ? {} : { skippedColumns: skipped }),
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

interface Cell {
  readonly text: string;
  readonly line: number;
  readonly name: string;
  readonly index: number;
  readonly source: string;
}

function cellError(cell: Cell, problem: string, hint: string): LatentError {
  return new LatentError(
    `${cell.source}: row ${cell.line}, column "${cell.name}" (index ${cell.index}): ${problem} ${JSON.stringify(cell.text)}`,
    hint,
  );
}

function parseNumber(cell: Cell): number {
  const { text } = cell;
  if (NUMBER.test(text)) {
    const v = Math.fround(Number(text));
    if (Number.isFinite(v)) return v;
    throw cellError(
      cell,
      'value outside the float32 range (±3.4e38):',
      'rescale the column (e.g. log or divide by a constant) before loading',
    );
  }
  if (text === '') {
    throw cellError(cell, 'empty cell', 'fill missing values (e.g. with the column mean) or drop the row before loading');
  }
  if (NON_FINITE.test(text)) {
    throw cellError(cell, 'NaN/Inf value', 'remove or impute missing and infinite values before loading');
  }
  if (DECIMAL_COMMA.test(text)) {
    throw cellError(
      cell,
      'decimal comma in',
      "write decimals with '.' (e.g. 1.5), or save the file with ';' between fields and '.' decimals",
    );
  }
  throw cellError(
    cell,
    'non-numeric value',
    'select only numeric feature columns with --columns (the columns option of loadDataset), or fix the cell',
  );
}

function parseTimestamp(cell: Cell): number {
  const { text } = cell;
  let t: number;
  if (NUMBER.test(text)) t = Number(text);
  else if (ISO_NO_ZONE.test(text)) t = Date.parse(`${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : ''}`);
  else t = Date.parse(text);
  if (!Number.isFinite(t)) {
    throw cellError(
      cell,
      'cannot read as a date/time:',
      'use ISO 8601 (2014-04-01 00:00:00, read as UTC, or 2014-04-01T00:00:00+02:00) or milliseconds since 1970-01-01',
    );
  }
  return t;
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

function sniffDelimiter(body: string): ',' | ';' | '\t' {
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

function looksLikeHeader(first: readonly string[], second: readonly string[] | undefined): boolean {
  const textual = first.map((c) => c !== '' && !NUMBER.test(c));
  if (!textual.some(Boolean)) return false;
  if (second === undefined) return true;
  if (first.every((c, i) => c === '' || textual[i])) return true;
  return first.some((_, i) => textual[i] && NUMBER.test(second[i] ?? ''));
}

function resolveColumn(ref: ColumnRef, role: string, names: readonly string[], hasHeader: boolean, source: string): number {
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref >= 0 && ref < names.length) return ref;
    throw new LatentError(
      `${source}: ${role} index ${ref} is out of range; the file has ${names.length} columns (indices 0 to ${names.length - 1})`,
      'column indices count from 0',
    );
  }
  const index = names.indexOf(ref);
  if (index >= 0) return index;
  throw new LatentError(
    `${source}: no column named "${ref}" (${role}); the columns are ${names.map((n) => `"${n}"`).join(', ')}`,
    hasHeader
      ? 'check the spelling against the header'
      : 'no header row was detected: refer to columns by 0-based index, or set the header option to true',
  );
}

/** A cell that reads as a number, or as a malformed one (NaN, Inf, decimal comma) that should be reported, not skipped. */
function numberLike(text: string): boolean {
  return NUMBER.test(text) || NON_FINITE.test(text) || DECIMAL_COMMA.test(text);
}

/** The kind of column `c`, judged by its name and its cells in `sample` (the first data rows). */
function columnKind(sample: readonly string[][], c: number, name: string, hasHeader: boolean): 'number' | SkippedColumn['reason'] {
  if (hasHeader && name.toLowerCase() === 'timestamp') return 'timestamp';
  const cells = sample.map((record) => record[c] ?? '').filter((text) => text !== '');
  // An empty or partly numeric start stays a feature, so a bad cell is reported where it is.
  if (cells.length === 0 || cells.some(numberLike)) return 'number';
  return cells.every((text) => DATE_LIKE.test(text)) ? 'timestamp' : 'text';
}

/** Every numeric column but the reserved ones, and the columns left out as text or timestamps. */
function defaultFeatures(
  sample: readonly string[][],
  names: readonly string[],
  hasHeader: boolean,
  reserved: (c: number) => boolean,
  source: string,
): { features: number[]; skipped: SkippedColumn[] } {
  const features: number[] = [];
  const skipped: SkippedColumn[] = [];
  names.forEach((name, index) => {
    if (reserved(index)) return;
    const kind = columnKind(sample, index, name, hasHeader);
    if (kind === 'number') features.push(index);
    else skipped.push({ name, index, reason: kind });
  });
  if (features.length === 0) {
    const left =
      skipped.length === 0 ? '' : ` (${skipped.map((s) => `"${s.name}" is ${s.reason === 'text' ? 'text' : 'a timestamp'}`).join(', ')})`;
    throw new LatentError(
      `${source}: no numeric feature columns remain after the label and timestamp columns${left}`,
      'the file needs at least one numeric feature column',
    );
  }
  return { features, skipped };
}

function selectFeatures(
  refs: readonly ColumnRef[],
  from: string | undefined,
  names: readonly string[],
  hasHeader: boolean,
  labelIndex: number | undefined,
  timeIndex: number | undefined,
  resolve: (ref: ColumnRef, role: string) => number,
  source: string,
): number[] {
  const reserved = (c: number): boolean => c === labelIndex || c === timeIndex;
  if (refs.length === 0) {
    throw new LatentError(`${source}: --columns (the columns option) selects no columns`, 'list at least one feature column');
  }
  if (from !== undefined) {
    const missing = refs.filter((ref) => (typeof ref === 'number' ? !(ref >= 0 && ref < names.length) : !names.includes(ref)));
    if (missing.length > 0 && !hasHeader) {
      // Without a header nothing ties the file's columns to the names: never guess an order.
      const wanted = refs.map(String);
      const line = wanted.length > 32 ? `${wanted.slice(0, 4).join(',')},…,${wanted.at(-1)}` : wanted.join(',');
      throw new LatentError(
        `${source} has no header row, so its ${names.length} columns cannot be matched to ${from} (${wanted.length} named columns)`,
        `add the header line "${line}" as the first row, or pass --columns ${names.length > 4 ? `${names.slice(0, 3).join(',')},…,${names.at(-1)}` : names.join(',')} (the columns option) to take the file's columns in order`,
      );
    }
    if (missing.length > 0) {
      throw new LatentError(
        `${source} lacks ${missing.length} of ${from}: ${missing.map((m) => `"${m}"`).join(', ')}; its columns are ${names.map((n) => `"${n}"`).join(', ')}`,
        'pass data with those columns, or choose the feature columns with --columns',
      );
    }
  }
  const picked: number[] = [];
  for (const ref of refs) {
    const c = resolve(ref, 'feature column');
    if (reserved(c)) {
      const role = c === labelIndex ? 'label' : 'timestamp';
      throw new LatentError(
        `${source}: column "${names[c]}" is the ${role} column and cannot also be a feature${from === undefined ? '' : ` (it is one of ${from})`}`,
        from === undefined
          ? 'remove it from --columns (the columns option)'
          : `choose another ${role} column, or the feature columns with --columns`,
      );
    }
    if (picked.includes(c)) throw new LatentError(`${source}: column "${names[c]}" is selected twice`, 'list each feature column once');
    picked.push(c);
  }
  return picked;
}
