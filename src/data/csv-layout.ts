/**
 * The shape of a CSV/TSV file, decided from its first records, and the reading of one record by
 * it: shared by the in-memory parser (`parseCsv`) and the streaming row source, so both follow the
 * same rules (see csv.ts for them). Browser-safe.
 *
 * Invariant: a layout is decided once, from the header and the first data rows; every later
 * record is read by it, and a record of another width or a non-numeric feature cell is an error
 * naming the file, the line and the column.
 */

import { LatentError } from '../errors.js';
import type { ColumnRef, CsvOptions, SkippedColumn } from './csv.js';
import { defaultColumnNames } from './dataset.js';

/** Data rows looked at to tell text columns from numeric ones. */
const SAMPLE_ROWS = 20;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DATE_LIKE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?:[ T]\d{1,2}:\d{2}.*)?$/;

/** Which column of a file plays which part; decided from the first records by `csvLayout`. */
export interface CsvLayout {
  /** Column names (from the header, or x0, x1, …). */
  readonly names: readonly string[];
  readonly hasHeader: boolean;
  /** Fields per record. */
  readonly width: number;
  /** File positions of the feature columns, in feature order. */
  readonly features: readonly number[];
  readonly labelIndex?: number;
  readonly timeIndex?: number;
  /** Position of the row-identifier column, whose text is carried through unchanged. */
  readonly idIndex?: number;
  /** Columns the default feature set left out (empty with explicit `columns`). */
  readonly skipped: readonly SkippedColumn[];
}

/** Records `csvLayout` needs to see: the header (if any) and this many data rows. */
export const LAYOUT_SAMPLE_ROWS = SAMPLE_ROWS;

/**
 * The layout of a file from its first records (`records[0]` is the first non-empty record; give
 * at least `LAYOUT_SAMPLE_ROWS + 1` when the file has that many).
 *
 * @example
 * const layout = csvLayout([['id', 'a'], ['x', '1']], {}, 'a.csv'); // features [1], skipped "id"
 */
export function csvLayout(records: readonly string[][], options: CsvOptions, source: string): CsvLayout {
  if (records.length === 0) {
    throw new LatentError(`${source}: the file is empty`, 'pass a CSV file with one sample per row');
  }
  const first = records[0] as string[];
  const hasHeader = options.header === undefined || options.header === 'auto' ? looksLikeHeader(first, records[1]) : options.header;
  const width = first.length;
  const names = hasHeader ? first.map((name, i) => (name === '' ? `x${i}` : name)) : defaultColumnNames(width);
  const resolve = (ref: ColumnRef, role: string): number => resolveColumn(ref, role, names, hasHeader, source);
  const labelIndex = options.labelColumn === undefined ? undefined : resolve(options.labelColumn, 'label column');
  const timeIndex = options.timestampColumn === undefined ? undefined : resolve(options.timestampColumn, 'timestamp column');
  const idIndex = options.idColumn === undefined ? undefined : resolve(options.idColumn, 'id column');
  if (idIndex !== undefined && (idIndex === labelIndex || idIndex === timeIndex)) {
    throw new LatentError(
      `${source}: column "${names[idIndex]}" cannot be both the id column and the ${idIndex === labelIndex ? 'label' : 'timestamp'} column`,
      'choose another id column',
    );
  }
  const reserved = (c: number): boolean => c === labelIndex || c === timeIndex || c === idIndex;
  const firstData = hasHeader ? 1 : 0;
  let features: number[];
  let skipped: SkippedColumn[] = [];
  if (options.columns === undefined) {
    ({ features, skipped } = defaultFeatures(records.slice(firstData, firstData + SAMPLE_ROWS), names, hasHeader, reserved, source));
  } else {
    features = selectFeatures(options.columns, options.columnsFrom, names, hasHeader, labelIndex, timeIndex, idIndex, resolve, source);
  }
  return {
    names,
    hasHeader,
    width,
    features,
    skipped,
    ...(labelIndex === undefined ? {} : { labelIndex }),
    ...(timeIndex === undefined ? {} : { timeIndex }),
    ...(idIndex === undefined ? {} : { idIndex }),
  };
}

/** Where `readCsvRecord` puts one record's values. */
export interface CsvRowTarget {
  readonly values: Float32Array;
  readonly labels?: Float32Array;
  readonly timestamps?: number[];
  readonly ids?: string[];
}

/**
 * Read data record `record` (line `line` of the file) by `layout` into row `row` of `target`.
 *
 * @example
 * readCsvRecord(['x', '1'], 2, layout, 'a.csv', target, 0); // target.values[0] = 1
 */
export function readCsvRecord(
  record: readonly string[],
  line: number,
  layout: CsvLayout,
  source: string,
  target: CsvRowTarget,
  row: number,
): void {
  const { features, width } = layout;
  if (record.length !== width) {
    throw new LatentError(
      `${source}: row ${line} has ${record.length} fields, but ${layout.hasHeader ? 'the header' : 'the first row'} has ${width}`,
      'every row needs the same number of fields; check for a missing or extra delimiter, or unquoted text containing one',
    );
  }
  const values = target.values;
  const base = row * features.length;
  for (let j = 0; j < features.length; j++) {
    const c = features[j] as number;
    const fast = plainFloat32(record[c] as string);
    // NaN: not a plain decimal that fits float32; the full reading explains what is wrong.
    values[base + j] = fast === fast ? fast : parseNumber(cellOf(record, c, line, layout, source));
  }
  if (target.labels !== undefined) {
    const c = layout.labelIndex as number;
    const fast = plainFloat32(record[c] as string);
    target.labels[row] = fast === fast ? fast : parseNumber(cellOf(record, c, line, layout, source));
  }
  if (target.timestamps !== undefined)
    target.timestamps[row] = parseTimestamp(cellOf(record, layout.timeIndex as number, line, layout, source));
  if (target.ids !== undefined) target.ids[row] = record[layout.idIndex as number] as string;
}

/**
 * The float32 value of `text` when it is a plain decimal (what NUMBER matches) inside the float32
 * range, else NaN: the hot path of every numeric cell, without a regular expression. `Number()`
 * alone also reads hexadecimal, binary and octal integers, `Infinity` and text padded with white
 * space, and reads '' as 0: the first and last characters and the `0x`/`0b`/`0o` prefix rule those
 * out, and what remains is exactly NUMBER's grammar.
 *
 * @example
 * plainFloat32('-1.5e3'); // -1500
 * plainFloat32('0x10');   // NaN
 */
export function plainFloat32(text: string): number {
  const n = text.length;
  if (n === 0) return NaN;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (!((last >= 48 && last <= 57) || last === 46)) return NaN; // digit or '.'
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) return NaN; // digit, '+', '-', '.'
  if (first === 48 && n > 2) {
    const prefix = text.charCodeAt(1) | 0x20; // lower case
    if (prefix === 120 || prefix === 98 || prefix === 111) return NaN; // 0x, 0b, 0o
  }
  const v = Math.fround(Number(text));
  return v - v === 0 ? v : NaN; // finite
}

function cellOf(record: readonly string[], c: number, line: number, layout: CsvLayout, source: string): Cell {
  return { text: record[c] as string, line, name: layout.names[c] as string, index: c, source };
}

/**
 * The field separator of a file from its first non-empty line: comma, semicolon or tab, whichever
 * appears most outside quotes (comma on ties).
 *
 * @example
 * sniffDelimiter('a;b;c\n1;2;3\n'); // ';'
 */
export function sniffDelimiter(body: string): ',' | ';' | '\t' {
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
  idIndex: number | undefined,
  resolve: (ref: ColumnRef, role: string) => number,
  source: string,
): number[] {
  const reserved = (c: number): boolean => c === labelIndex || c === timeIndex || c === idIndex;
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
      const role = c === labelIndex ? 'label' : c === timeIndex ? 'timestamp' : 'id';
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
