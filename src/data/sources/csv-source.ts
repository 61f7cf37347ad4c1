/**
 * Streaming CSV/TSV rows (Node only): csv-parse's streaming parser over a file or standard input,
 * read by the same layout rules as the in-memory parser (csv-layout.ts), one chunk of rows at a
 * time. Memory holds one chunk of records, whatever the file size.
 *
 * Opening reads the first records (header and the rows that decide which columns are numeric);
 * `chunks()` then starts from those records. A file can be read again (the parse restarts);
 * standard input only once.
 */

import { Readable } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { LatentError } from '../../errors.js';
import type { CsvOptions } from '../csv.js';
import { csvLayout, LAYOUT_SAMPLE_ROWS, readCsvRecord, sniffDelimiter, type CsvLayout, type CsvRowTarget } from '../csv-layout.js';
import { matrix } from '../matrix.js';
import { openByteInput, peek, STDIO, type ByteInput } from './byte-input.js';
import { chunkRowsOf, type RowChunk, type RowSource } from './row-source.js';

/** One record and its line number in the file (1-based; the line where the record ends). */
interface NumberedRecord {
  readonly record: string[];
  readonly line: number;
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
  const firstData = layout.hasHeader ? 1 : 0;
  if (first.head.length <= firstData) {
    throw new LatentError(`${path}: the file has a header but no data rows`, 'add one sample per row below the header');
  }
  let pending: { head: NumberedRecord[]; rest: AsyncIterator<NumberedRecord> } | null = { head: first.head, rest: first.rest };
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
      let records: { head: NumberedRecord[]; rest: AsyncIterator<NumberedRecord> };
      if (pending !== null) {
        records = pending;
        pending = null;
      } else {
        if (path === STDIO) {
          throw new LatentError('standard input can be read only once', 'save the data to a file to read it more than once');
        }
        input = openByteInput(path, gzipped);
        active = input;
        const again = recordsOf(input.stream, delimiter, path)[Symbol.asyncIterator]();
        records = { head: [], rest: again };
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
): Promise<{ layout: CsvLayout; delimiter: string; head: NumberedRecord[]; rest: AsyncIterator<NumberedRecord> }> {
  const { head: bytes, stream } = await peek(input.stream, SNIFF_BYTES);
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, Math.min(bytes.length, SNIFF_BYTES)));
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw new LatentError(`${path}: the file is empty`, 'pass a CSV file with one sample per row');
  }
  const delimiter =
    options.delimiter === undefined || options.delimiter === 'auto' ? sniffDelimiter(text.replace(/^\ufeff/, '')) : options.delimiter;
  const rest = recordsOf(stream, delimiter, path)[Symbol.asyncIterator]();
  const head: NumberedRecord[] = [];
  while (head.length < LAYOUT_SAMPLE_ROWS + 1) {
    const next = await rest.next();
    if (next.done === true) break;
    head.push(next.value);
  }
  const layout = csvLayout(
    head.map((r) => r.record),
    options,
    path,
  );
  return { layout, delimiter, head, rest };
}

/** Every non-blank record of the byte stream, with its line number. */
async function* recordsOf(bytes: AsyncIterable<Uint8Array>, delimiter: string, path: string): AsyncIterable<NumberedRecord> {
  const parser = parse({ delimiter, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true });
  const feed = Readable.from(bytes, { objectMode: false });
  feed.on('error', (error) => parser.destroy(error));
  feed.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const { record, info } = item;
      // Whitespace-only lines survive skip_empty_lines as one empty field.
      if (record.length === 1 && record[0] === '') continue;
      yield { record, line: info.lines };
    }
  } catch (error) {
    if (error instanceof LatentError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(`${path}: cannot parse as CSV: ${reason}`, 'check the quoting near that line: every opening " needs a closing "');
  } finally {
    feed.destroy();
  }
}

async function* chunksOf(
  records: { head: NumberedRecord[]; rest: AsyncIterator<NumberedRecord> },
  layout: CsvLayout,
  path: string,
  chunkRows: number,
): AsyncIterable<RowChunk> {
  const cols = layout.features.length;
  let target = newTarget(layout, chunkRows);
  let filled = 0;
  let start = 0;
  // Every reading starts at the first record of the file: the header, when there is one.
  let skip = layout.hasHeader ? 1 : 0;
  const flush = (): RowChunk => {
    const chunk: RowChunk = {
      x: matrix(filled === chunkRows ? target.values : target.values.slice(0, filled * cols), filled, cols),
      start,
      ...(target.labels === undefined ? {} : { labels: target.labels.subarray(0, filled) }),
      ...(target.timestamps === undefined ? {} : { timestamps: target.timestamps.slice(0, filled) }),
      ...(target.ids === undefined ? {} : { ids: target.ids.slice(0, filled) }),
    };
    start += filled;
    filled = 0;
    target = newTarget(layout, chunkRows);
    return chunk;
  };
  const take = (r: NumberedRecord): boolean => {
    if (skip > 0) {
      skip--;
      return false;
    }
    readCsvRecord(r.record, r.line, layout, path, target, filled);
    filled++;
    return filled === chunkRows;
  };
  for (const r of records.head) if (take(r)) yield flush();
  for (;;) {
    const next = await records.rest.next();
    if (next.done === true) break;
    if (take(next.value)) yield flush();
  }
  if (filled > 0) yield flush();
}

function newTarget(layout: CsvLayout, rows: number): CsvRowTarget {
  return {
    values: new Float32Array(rows * layout.features.length),
    ...(layout.labelIndex === undefined ? {} : { labels: new Float32Array(rows) }),
    ...(layout.timeIndex === undefined ? {} : { timestamps: new Array<number>(rows) }),
    ...(layout.idIndex === undefined ? {} : { ids: new Array<string>(rows) }),
  };
}
