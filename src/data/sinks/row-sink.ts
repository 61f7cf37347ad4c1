/**
 * RowSink: where commands that map rows write their results, chunk by chunk (Node only), so an
 * output of any size never sits in memory. Outputs: `.csv` (header line, float32 shortest digits),
 * `.npy` (float32; the row count is patched into the header at the end), `.parquet` (a row group
 * per chunk), and `-` for standard output (CSV).
 *
 * Invariants: columns are fixed when the sink opens: text columns (ids, timestamps) first, then
 * number columns. Files are written to a temporary file beside the target, flushed to the disk
 * and renamed by `close()` (as every atomic write), so a failed run (`abort()`) leaves no half-written output; an existing file is only
 * replaced when `overwrite` is set.
 */

import { existsSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import type { Writable } from 'node:stream';
import { LatentError } from '../../errors.js';
import { assertWritable, commitTempFile, tempPathBeside } from '../../io/atomic.js';
import { fileSystemError } from '../../io/fs-errors.js';
import type { Matrix } from '../matrix.js';
import { STDIO } from '../sources/byte-input.js';
import { openCsvSink } from './csv-sink.js';
import { openNpySink } from './npy-sink.js';
import { openParquetSink } from './parquet-sink.js';

/** The columns of an output: text columns first, then number columns. */
export interface SinkColumns {
  readonly text: readonly string[];
  readonly numbers: readonly string[];
}

/** One chunk of output rows. */
export interface SinkChunk {
  /** One array per text column, one entry per row. */
  readonly text: readonly (readonly string[])[];
  /** The number columns, row-major (`numbers.cols` equals the number column count). */
  readonly numbers: Matrix;
}

export interface RowSink {
  /** Where the rows go, for messages. */
  readonly path: string;
  /** Rows written so far. */
  readonly rows: number;
  write(chunk: SinkChunk): Promise<void>;
  /** Finish the output (rename the temporary file into place). */
  close(): Promise<void>;
  /** Drop a partial output. */
  abort(): Promise<void>;
}

/** A format writer over a temporary file (or standard output). */
export interface FormatWriter {
  write(chunk: SinkChunk): Promise<void>;
  finish(): Promise<void>;
  discard(): Promise<void>;
}

export interface SinkOptions {
  readonly overwrite?: boolean;
  /** Standard output, for `-` (tests pass their own stream). */
  readonly stdout?: Writable;
}

/** Extensions a sink writes (besides `-`). */
export const SINK_EXTENSIONS = ['.csv', '.npy', '.parquet'] as const;

/**
 * Check an output path before any work: `-`, or a known extension in an existing folder, not an
 * existing file unless `overwrite`; `text` columns need a format that holds text.
 *
 * @example
 * checkSinkPath('scores.npy', false, true); // throws: ids can't go in an .npy file
 */
export function checkSinkPath(path: string, overwrite: boolean, hasText: boolean): void {
  if (path === STDIO) return;
  const ext = extname(path).toLowerCase();
  if (!(SINK_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new LatentError(
      `${path}: cannot write "${ext || basename(path)}" files; outputs are ${SINK_EXTENSIONS.join(', ')} or - (standard output)`,
      'choose an output path ending in .csv, .npy or .parquet',
    );
  }
  if (hasText && ext === '.npy') {
    throw new LatentError(
      `${path}: an .npy file holds numbers only, not the id or timestamp column`,
      'write a .csv or .parquet file to keep row ids',
    );
  }
  const dir = dirname(path);
  if (!existsSync(dir))
    throw new LatentError(`${path}: the folder ${dir} does not exist`, 'create the folder first, or choose another output path');
  assertWritable(path, { overwrite });
}

/**
 * Open an output for rows with `columns`.
 *
 * @example
 * const sink = await openRowSink('codes.parquet', { text: ['id'], numbers: ['z0', 'z1'] });
 * await sink.write({ text: [ids], numbers: codes }); await sink.close();
 */
export async function openRowSink(path: string, columns: SinkColumns, options: SinkOptions = {}): Promise<RowSink> {
  checkSinkPath(path, options.overwrite ?? false, columns.text.length > 0);
  if (path === STDIO) {
    const writer = openCsvSink(options.stdout ?? process.stdout, columns, false);
    return sinkOver(path, writer, async () => {});
  }
  const temp = tempPathBeside(path);
  const ext = extname(path).toLowerCase();
  let writer: FormatWriter;
  if (ext === '.npy') writer = await openNpySink(temp, columns);
  else if (ext === '.parquet') writer = openParquetSink(temp, columns);
  else {
    const { createWriteStream } = await import('node:fs');
    writer = openCsvSink(createWriteStream(temp), columns, true);
  }
  return sinkOver(
    path,
    writer,
    async () => commitTempFile(temp, path, { overwrite: options.overwrite ?? false }),
    () => {
      if (existsSync(temp)) unlinkSync(temp);
    },
  );
}

function sinkOver(path: string, writer: FormatWriter, commit: () => Promise<void>, cleanup: () => void = () => {}): RowSink {
  let rows = 0;
  let open = true;
  return {
    path,
    get rows() {
      return rows;
    },
    async write(chunk) {
      try {
        await writer.write(chunk);
      } catch (error) {
        throw fileSystemError(error, path, 'write');
      }
      rows += chunk.numbers.rows;
    },
    async close() {
      if (!open) return;
      open = false;
      try {
        await writer.finish();
        await commit();
      } catch (error) {
        cleanup();
        throw fileSystemError(error, path, 'write');
      }
    },
    async abort() {
      if (!open) return;
      open = false;
      try {
        await writer.discard();
      } finally {
        cleanup();
      }
    },
  };
}
