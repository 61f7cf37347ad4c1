/**
 * RowSource: the one contract every command that reads rows goes through. Columns are known up
 * front; rows arrive as chunks (small row-major matrices) from an async iterable, so memory stays
 * bounded by the chunk size whatever the size of the data. Browser-safe (types and pure helpers).
 *
 * Invariants: every chunk has `columns.length` columns; chunks come in row order and `start` is
 * the index of a chunk's first row in the whole source; `ids`, `labels` and `timestamps`, when
 * present, hold one entry per chunk row. A source that can be read more than once (`rereadable`)
 * gives the same rows in the same order every time.
 */

import type { SkippedColumn } from '../csv.js';
import type { Matrix } from '../matrix.js';

/** A run of consecutive rows of a source. */
export interface RowChunk {
  /** The rows' feature values. */
  readonly x: Matrix;
  /** Index of the first row of this chunk in the source (0-based). */
  readonly start: number;
  /** Row identifiers (the id column's text), when the source has an id column. */
  readonly ids?: readonly string[];
  /** One label per row, when the source has labels. */
  readonly labels?: Float32Array;
  /** One time per row (milliseconds since the epoch), when the source has timestamps. */
  readonly timestamps?: readonly number[];
}

/** How a reader asks for chunks. */
export interface ChunkRequest {
  /** Rows per chunk (the last chunk may be shorter); default `defaultChunkRows(columns)`. */
  readonly chunkRows?: number;
}

/** Random access by blocks of rows: what lets training visit blocks in a shuffled order. */
export interface BlockAccess {
  /** Number of blocks; block b holds rows [b·blockRows, min((b+1)·blockRows, rows)). */
  readonly count: number;
  readonly blockRows: number;
  /** Read block `index` whole. */
  read(index: number): Promise<RowChunk>;
}

export interface RowSource {
  /** Where the rows come from (a path, `-` for standard input, or a name), for messages. */
  readonly source: string;
  /** One name per feature column. */
  readonly columns: readonly string[];
  /** Row count when known before reading (NPY, Parquet, in-memory); undefined for CSV and pipes. */
  readonly rows: number | undefined;
  /** Bytes the whole input holds, when known (progress and ETA). */
  readonly totalBytes: number | undefined;
  /** The id column's name, when rows carry ids. */
  readonly idColumn?: string;
  /** Whether chunks carry labels. */
  readonly hasLabels: boolean;
  /** Whether chunks carry timestamps. */
  readonly hasTimestamps: boolean;
  /** Shape of one sample before flattening (images), when it had more than one dimension. */
  readonly sampleShape?: readonly number[];
  /** CSV columns the default feature set left out (ids, names, dates). */
  readonly skippedColumns?: readonly SkippedColumn[];
  /** Whether `chunks()` may be called again (false for standard input). */
  readonly rereadable: boolean;
  /** Block-wise random access, for sources that can seek (NPY files, in-memory data). */
  readonly blocks?: BlockAccess;
  /** Bytes of input consumed so far by the reading under way (for progress). */
  bytesRead(): number;
  /** The rows, chunk by chunk. */
  chunks(request?: ChunkRequest): AsyncIterable<RowChunk>;
}

/** Target bytes of feature values per chunk: big enough to amortise I/O, small next to memory. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Rows per chunk for `columns` float32 columns (about `CHUNK_BYTES` of values, at least 1 row).
 *
 * @example
 * defaultChunkRows(30); // 69905
 */
export function defaultChunkRows(columns: number): number {
  return Math.max(1, Math.floor(CHUNK_BYTES / (4 * Math.max(1, columns))));
}

/**
 * Check a chunk-size request: a whole number of rows ≥ 1.
 *
 * @example
 * chunkRowsOf({ chunkRows: 1000 }, 30); // 1000
 */
export function chunkRowsOf(request: ChunkRequest | undefined, columns: number): number {
  const rows = request?.chunkRows ?? defaultChunkRows(columns);
  if (!(Number.isInteger(rows) && rows >= 1)) throw new Error(`chunk rows ${rows} must be a whole number ≥ 1`);
  return rows;
}
