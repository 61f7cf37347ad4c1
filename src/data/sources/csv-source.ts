/**
 * Streaming CSV/TSV rows (Node only): csv-parse's streaming parser over a file or standard input,
 * read by the same layout rules as the in-memory parser (csv-layout.ts), one chunk of rows at a
 * time. Memory holds one chunk of records, whatever the file size.
 *
 * Opening reads the first records (header and the rows that decide which columns are numeric);
 * `chunks()` then starts from those records. A file can be read again (the parse restarts);
 * standard input only once.
 *
 * Speed: records go from the parser straight into the chunk's Float32Array block as the parser
 * produces them (csv-records.ts), so the only await is per byte chunk and the only per-record
 * objects are csv-parse's own field arrays.
 */

import type { Readable } from 'node:stream';
import { LatentError } from '../../errors.js';
import type { CsvOptions } from '../csv.js';
import { csvLayout, LAYOUT_SAMPLE_ROWS, readCsvRecord, sniffDelimiter, type CsvLayout, type CsvRowTarget } from '../csv-layout.js';
import { matrix } from '../matrix.js';
import { openByteInput, peek, STDIO, type ByteInput } from './byte-input.js';
import { CsvRecordReader } from './csv-records.js';
import { chunkRowsOf, type RowChunk, type RowSource } from './row-source.js';

/** One record and its line number in the file (1-based; the line where the record ends). */
interface NumberedRecord {
  readonly record: string[];
  readonly line: number;
}

/** The records read to decide the layout, and the reader positioned after them. */
interface StartedRecords {
  readonly head: NumberedRecord[];
  readonly reader: CsvRecordReader;
}

/** Bytes peeked to find the delimiter: the first line must end within them, or the whole input. */
const SNIFF_BYTES = 1 << 20;

export interface CsvSourceOptions extends CsvOptions {
  /** Whether the bytes are gzipped (default: the name ends in `.gz`). */
  readonly gzipped?: boolean;
  /** Standard input, for `-` (tests pass their own stream). */
  readonly stdin?: Readable;
}

/**
 * Open CSV/TSV data at `path` (or `-` for standard input) as a RowSource.
 *
 * @example
 * const rows = await openCsvSource('big.csv', { idColumn: 'id' });
 * for await (const chunk of rows.chunks()) total += chunk.x.rows;
 */
export async function openCsvSource(path: string, options: CsvSourceOptions = {}): Promise<RowSource> {
  const gzipped = options.gzipped ?? path.toLowerCase().endsWith('.gz');
  let input: ByteInput | null = openByteInput(path, gzipped, options.stdin);
  const first = await startRecords(input, options, path);
  const { layout, delimiter } = first;
  let pending: StartedRecords | null = { head: first.head, reader: first.reader };
  let active: ByteInput = input;
  const columns = layout.features.map((c) => layout.names[c] as string);
  return {
    source: path,
    columns,
    rows: undefined,
    totalBytes: input.totalBytes,
    hasLabels: layout.labelIndex !== undefined,
    hasTimestamps: layout.timeIndex !== undefined,
    rereadable: path !== STDIO,
    ...(layout.idIndex === undefined ? {} : { idColumn: layout.names[layout.idIndex] as string }),
    ...(layout.skipped.length === 0 ? {} : { skippedColumns: layout.skipped }),
    bytesRead: () => active.bytesRead(),
    async *chunks(request) {
      let records: StartedRecords;
      if (pending !== null) {
        records = pending;
        pending = null;
      } else {
        if (path === STDIO) {
          throw new LatentError('standard input can be read only once', 'save the data to a file to read it more than once');
        }
        input = openByteInput(path, gzipped);
        active = input;
        records = { head: [], reader: new CsvRecordReader(input.stream, delimiter, path) };
      }
      yield* chunksOf(records, layout, path, chunkRowsOf(request, columns.length));
    },
  };
}

/** Peek the delimiter, parse the first records and decide the layout. */
async function startRecords(
  input: ByteInput,
  options: CsvOptions,
  path: string,
): Promise<StartedRecords & { layout: CsvLayout; delimiter: string }> {
  const { head: bytes, stream } = await peek(input.stream, SNIFF_BYTES);
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, Math.min(bytes.length, SNIFF_BYTES)));
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw new LatentError(`${path}: the file is empty`, 'pass a CSV file with one sample per row');
  }
  const delimiter =
    options.delimiter === undefined || options.delimiter === 'auto' ? sniffDelimiter(text.replace(/^\ufeff/, '')) : options.delimiter;
  const reader = new CsvRecordReader(stream, delimiter, path);
  const head: NumberedRecord[] = [];
  reader.handle = (record, line) => head.push({ record, line });
  try {
    while (head.length < LAYOUT_SAMPLE_ROWS + 1 && (await reader.step()));
    const layout = csvLayout(
      head.map((r) => r.record),
      options,
      path,
    );
    if (head.length <= (layout.hasHeader ? 1 : 0)) {
      throw new LatentError(`${path}: the file has a header but no data rows`, 'add one sample per row below the header');
    }
    return { layout, delimiter, head, reader };
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/**
 * Rows of `records` in chunks of `chunkRows`: each record is read into the current block as the
 * parser hands it over; full blocks wait in `ready` until the byte chunk is parsed.
 */
async function* chunksOf(records: StartedRecords, layout: CsvLayout, path: string, chunkRows: number): AsyncIterable<RowChunk> {
  const cols = layout.features.length;
  let target = newTarget(layout, chunkRows);
  let filled = 0;
  let start = 0;
  const ready: RowChunk[] = [];
  // Every reading starts at the first record of the file: the header, when there is one.
  let skip = layout.hasHeader ? 1 : 0;
  const flush = (): void => {
    ready.push({
      x: matrix(filled === chunkRows ? target.values : target.values.slice(0, filled * cols), filled, cols),
      start,
      ...(target.labels === undefined ? {} : { labels: target.labels.subarray(0, filled) }),
      ...(target.timestamps === undefined ? {} : { timestamps: target.timestamps.slice(0, filled) }),
      ...(target.ids === undefined ? {} : { ids: target.ids.slice(0, filled) }),
    });
    start += filled;
    filled = 0;
    target = newTarget(layout, chunkRows);
  };
  const take = (record: string[], line: number): void => {
    if (skip > 0) {
      skip--;
      return;
    }
    readCsvRecord(record, line, layout, path, target, filled);
    filled++;
    if (filled === chunkRows) flush();
  };
  const { reader } = records;
  try {
    for (const r of records.head) take(r.record, r.line);
    reader.handle = take;
    do {
      while (ready.length > 0) yield ready.shift() as RowChunk;
    } while (await reader.step());
    if (filled > 0) {
      flush();
      yield ready.shift() as RowChunk;
    }
  } finally {
    await reader.close();
  }
}

function newTarget(layout: CsvLayout, rows: number): CsvRowTarget {
  return {
    values: new Float32Array(rows * layout.features.length),
    ...(layout.labelIndex === undefined ? {} : { labels: new Float32Array(rows) }),
    ...(layout.timeIndex === undefined ? {} : { timestamps: new Array<number>(rows) }),
    ...(layout.idIndex === undefined ? {} : { ids: new Array<string>(rows) }),
  };
}
