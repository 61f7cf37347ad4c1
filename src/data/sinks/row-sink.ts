/**
 * RowSink: where commands that map rows write their results, chunk by chunk (Node only), so an
 * output of any size never sits in memory. Outputs: `.csv` (header line, float32 shortest digits),
 * `.jsonl` (one JSON object per row), `.npy` (float32; the row count is patched into the header at
 * the end), `.parquet` (a row group per chunk), and `-` for standard output in any of these
 * formats (CSV unless a format is given). NPY and Parquet need to go back to their start or end,
 * which a pipe cannot, so on standard output they are assembled in a temporary file and copied
 * out at the end; a binary format is refused when standard output is a terminal.
 *
 * Invariants: columns are fixed when the sink opens: text columns (ids, timestamps) first, then
 * number columns. Files are written to a temporary file beside the target, flushed to the disk
 * and renamed by `close()` (as every atomic write), so a failed run (`abort()`) leaves no half-written output; an existing file is only
 * replaced when `overwrite` is set.
 */

import { createReadStream, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LatentError } from '../../errors.js';
import { assertWritable, commitTempFile, tempPathBeside } from '../../io/atomic.js';
import { fileSystemError } from '../../io/fs-errors.js';
import type { Matrix } from '../matrix.js';
import { STDIO } from '../sources/byte-input.js';
import { openCsvSink } from './csv-sink.js';
import { openJsonlSink } from './jsonl-sink.js';
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
  /** The format for `-` (default csv); a file's format is its extension's. */
  readonly format?: SinkFormat;
}

/** Formats a sink writes. */
export const SINK_FORMATS = ['csv', 'jsonl', 'npy', 'parquet'] as const;
export type SinkFormat = (typeof SINK_FORMATS)[number];

/** Extensions a sink writes (besides `-`). */
export const SINK_EXTENSIONS = ['.csv', '.jsonl', '.npy', '.parquet'] as const;

/** Checks of an output before any work: the format for `-`, and standard output (is it a terminal?). */
export interface SinkCheck {
  readonly format?: SinkFormat;
  readonly stdout?: Writable;
}

/**
 * The format `path` is written in: `format` (default csv) for `-`, else the extension's; a
 * `format` that contradicts the extension is an error.
 *
 * @example
 * sinkFormat('-', 'npy');       // 'npy'
 * sinkFormat('codes.parquet');  // 'parquet'
 */
export function sinkFormat(path: string, format?: SinkFormat): SinkFormat {
  if (path === STDIO) return format ?? 'csv';
  const ext = extname(path).toLowerCase();
  if (!(SINK_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new LatentError(
      `${path}: cannot write "${ext || basename(path)}" files; outputs are ${SINK_EXTENSIONS.join(', ')} or - (standard output)`,
      'choose an output path ending in .csv, .jsonl, .npy or .parquet',
    );
  }
  const fromName = ext.slice(1) as SinkFormat;
  if (format !== undefined && format !== fromName) {
    throw new LatentError(
      `${path}: --format ${format} does not match the file's extension ${ext}`,
      `drop --format (a file's extension sets its format; --format is for -o -), or name the file *.${format}`,
    );
  }
  return fromName;
}

/**
 * Check an output path before any work: `-`, or a known extension in an existing folder, not an
 * existing file unless `overwrite`; `text` columns need a format that holds text; a binary format
 * never goes to a terminal.
 *
 * @example
 * checkSinkPath('scores.npy', false, true); // throws: ids can't go in an .npy file
 */
export function checkSinkPath(path: string, overwrite: boolean, hasText: boolean, check: SinkCheck = {}): void {
  const format = sinkFormat(path, check.format);
  const where = path === STDIO ? 'standard output' : path;
  if (hasText && format === 'npy') {
    throw new LatentError(
      `${where}: an .npy file holds numbers only, not the id or timestamp column`,
      path === STDIO ? 'choose --format csv, jsonl or parquet to keep row ids' : 'write a .csv or .parquet file to keep row ids',
    );
  }
  if (path === STDIO) {
    if ((format === 'npy' || format === 'parquet') && Reflect.get(check.stdout ?? process.stdout, 'isTTY') === true) {
      throw new LatentError(
        `standard output is a terminal, and ${format} output is binary`,
        `redirect it to a file (> out.${format}) or pipe it to a program, or choose --format csv or jsonl`,
      );
    }
    return;
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
  const check = {
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.stdout === undefined ? {} : { stdout: options.stdout }),
  };
  checkSinkPath(path, options.overwrite ?? false, columns.text.length > 0, check);
  const format = sinkFormat(path, options.format);
  if (path === STDIO) {
    const stdout = options.stdout ?? process.stdout;
    if (format === 'csv') return sinkOver(path, openCsvSink(stdout, columns, false), async () => {});
    if (format === 'jsonl') return sinkOver(path, openJsonlSink(stdout, columns, false), async () => {});
    // NPY and Parquet go back to their start or end: assemble them in a file, then copy it out.
    const dir = mkdtempSync(join(tmpdir(), 'latent-out-'));
    const temp = join(dir, `out.${format}`);
    const writer = format === 'npy' ? await openNpySink(temp, columns) : openParquetSink(temp, columns);
    const remove = (): void => rmSync(dir, { recursive: true, force: true });
    return sinkOver(
      path,
      writer,
      async () => {
        await pipeline(createReadStream(temp), stdout, { end: false });
        remove();
      },
      remove,
    );
  }
  const temp = tempPathBeside(path);
  let writer: FormatWriter;
  if (format === 'npy') writer = await openNpySink(temp, columns);
  else if (format === 'parquet') writer = openParquetSink(temp, columns);
  else {
    const { createWriteStream } = await import('node:fs');
    const stream = createWriteStream(temp);
    writer = format === 'jsonl' ? openJsonlSink(stream, columns, true) : openCsvSink(stream, columns, true);
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
