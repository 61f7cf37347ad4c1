/**
 * Streaming Parquet rows (Node only), read with hyparquet one row group at a time, column by
 * column, so memory holds one row group of the chosen columns.
 *
 * Columns: numeric leaf columns (integers, floats, booleans) are features unless named as the
 * label, timestamp or id column; other columns (text, dates, nested data) are left out and listed
 * as skipped, as for CSV. `columns` picks features by name (strict: each must be numeric).
 */

import { stat } from 'node:fs/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetScan, parquetSchema, type DecodedArray, type SchemaTree } from 'hyparquet';
import { LatentError } from '../../errors.js';
import type { ColumnRef, SkippedColumn } from '../csv.js';
import { matrix } from '../matrix.js';
import { chunkRowsOf, type RowChunk, type RowSource } from './row-source.js';

export interface ParquetSourceOptions {
  readonly columns?: readonly ColumnRef[];
  readonly columnsFrom?: string;
  readonly labelColumn?: ColumnRef;
  readonly timestampColumn?: ColumnRef;
  readonly idColumn?: ColumnRef;
}

const NUMERIC_TYPES = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE']);

function isNumeric(column: SchemaTree): boolean {
  const { element } = column;
  if (column.children.length > 0 || element.type === undefined || !NUMERIC_TYPES.has(element.type)) return false;
  const converted = element.converted_type;
  // Dates, times and decimals stored as integers are not plain numbers.
  return converted === undefined || /^(U?INT_\d+)$/.test(converted);
}

function isTemporal(column: SchemaTree): boolean {
  const converted = column.element.converted_type ?? '';
  const logical = column.element.logical_type?.type ?? '';
  return /DATE|TIME/.test(converted) || /DATE|TIME/.test(logical);
}

/**
 * Open a Parquet file as a RowSource.
 *
 * @example
 * const rows = await openParquetSource('events.parquet', { idColumn: 'event_id' });
 */
export async function openParquetSource(path: string, options: ParquetSourceOptions = {}): Promise<RowSource> {
  const totalBytes = (await stat(path)).size;
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `${path}: not a valid Parquet file (${reason})`,
      'write the file again (e.g. pandas.DataFrame.to_parquet), and check it is complete',
    );
  }
  const schema = parquetSchema(metadata).children;
  const names = schema.map((c) => c.element.name);
  const resolve = (ref: ColumnRef, role: string): number => {
    const index = typeof ref === 'number' ? (Number.isInteger(ref) && ref >= 0 && ref < names.length ? ref : -1) : names.indexOf(ref);
    if (index >= 0) return index;
    throw new LatentError(
      `${path}: no column ${typeof ref === 'number' ? `at index ${ref}` : `named "${ref}"`} (${role}); the columns are ${names.map((n) => `"${n}"`).join(', ')}`,
      "check the spelling against the file's columns",
    );
  };
  const labelIndex = options.labelColumn === undefined ? undefined : resolve(options.labelColumn, 'label column');
  const timeIndex = options.timestampColumn === undefined ? undefined : resolve(options.timestampColumn, 'timestamp column');
  const idIndex = options.idColumn === undefined ? undefined : resolve(options.idColumn, 'id column');
  const reserved = (c: number): boolean => c === labelIndex || c === timeIndex || c === idIndex;
  const skipped: SkippedColumn[] = [];
  let features: number[];
  if (options.columns === undefined) {
    features = [];
    schema.forEach((column, index) => {
      if (reserved(index)) return;
      if (isNumeric(column)) features.push(index);
      else skipped.push({ name: column.element.name, index, reason: isTemporal(column) ? 'timestamp' : 'text' });
    });
    if (features.length === 0) {
      throw new LatentError(`${path}: no numeric feature columns`, 'the file needs at least one integer, float or boolean column');
    }
  } else {
    const missing = options.columns.filter((ref) => typeof ref === 'string' && !names.includes(ref));
    if (missing.length > 0) {
      throw new LatentError(
        `${path} lacks ${missing.length} of ${options.columnsFrom ?? 'the selected columns'}: ${missing.map((m) => `"${m}"`).join(', ')}; its columns are ${names.map((n) => `"${n}"`).join(', ')}`,
        'pass data with those columns, or choose the feature columns with --columns',
      );
    }
    features = options.columns.map((ref) => resolve(ref, 'feature column'));
    for (const c of features) {
      if (reserved(c))
        throw new LatentError(
          `${path}: column "${names[c]}" cannot be both a feature and the label, timestamp or id column`,
          'remove it from --columns',
        );
      if (!isNumeric(schema[c] as SchemaTree)) {
        throw new LatentError(
          `${path}: column "${names[c]}" is not numeric (${schema[c]?.element.type ?? 'nested'})`,
          'choose numeric feature columns with --columns',
        );
      }
    }
  }
  const featureNames = features.map((c) => names[c] as string);
  const wanted = [
    ...featureNames,
    ...[labelIndex, timeIndex, idIndex].filter((c): c is number => c !== undefined).map((c) => names[c] as string),
  ];
  const rows = Number(metadata.num_rows);
  let consumed = 0;
  const name = (c: number | undefined): string | undefined => (c === undefined ? undefined : names[c]);

  return {
    source: path,
    columns: featureNames,
    rows,
    totalBytes,
    hasLabels: labelIndex !== undefined,
    hasTimestamps: timeIndex !== undefined,
    rereadable: true,
    ...(idIndex === undefined ? {} : { idColumn: names[idIndex] as string }),
    ...(skipped.length === 0 ? {} : { skippedColumns: skipped }),
    bytesRead: () => consumed,
    async *chunks(request) {
      const step = chunkRowsOf(request, featureNames.length);
      const scan = await parquetScan({ file, metadata, columns: wanted });
      for (const range of scan.ranges) {
        const read = (column: string): Promise<DecodedArray> => scan.readColumn({ column, rowStart: range.rowStart, rowEnd: range.rowEnd });
        const count = range.rowEnd - range.rowStart;
        const values = new Float32Array(count * featureNames.length);
        for (let j = 0; j < featureNames.length; j++) {
          const column = featureNames[j] as string;
          copyNumbers(await read(column), values, j, featureNames.length, path, column, range.rowStart);
        }
        const labelName = name(labelIndex);
        const labels = labelName === undefined ? undefined : new Float32Array(count);
        if (labels !== undefined && labelName !== undefined)
          copyNumbers(await read(labelName), labels, 0, 1, path, labelName, range.rowStart);
        const timeName = name(timeIndex);
        const timestamps = timeName === undefined ? undefined : Array.from(await read(timeName), (v: unknown) => toTime(v));
        const idName = name(idIndex);
        const ids = idName === undefined ? undefined : Array.from(await read(idName), (v: unknown) => String(v));
        consumed = Math.round((totalBytes * range.rowEnd) / Math.max(1, rows));
        for (let at = 0; at < count; at += step) {
          const end = Math.min(count, at + step);
          const chunk: RowChunk = {
            x: matrix(values.subarray(at * featureNames.length, end * featureNames.length), end - at, featureNames.length),
            start: range.rowStart + at,
            ...(labels === undefined ? {} : { labels: labels.subarray(at, end) }),
            ...(timestamps === undefined ? {} : { timestamps: timestamps.slice(at, end) }),
            ...(ids === undefined ? {} : { ids: ids.slice(at, end) }),
          };
          yield chunk;
        }
      }
    },
  };
}

/** Column `column`'s values into every `stride`-th slot of `out` from `offset`, checked finite. */
function copyNumbers(
  values: DecodedArray,
  out: Float32Array,
  offset: number,
  stride: number,
  path: string,
  column: string,
  firstRow: number,
): void {
  for (let i = 0; i < values.length; i++) {
    const raw: unknown = values[i];
    const v = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : typeof raw === 'boolean' ? (raw ? 1 : 0) : NaN;
    const f = Math.fround(v);
    if (!Number.isFinite(f)) {
      throw new LatentError(
        `${path}: row ${firstRow + i}, column "${column}" holds ${raw === null || raw === undefined ? 'a missing value' : String(raw)} (rows counted from 0)`,
        'remove or impute missing and infinite values before loading',
      );
    }
    out[offset + i * stride] = f;
  }
}

function toTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  return Date.parse(String(value));
}
