/**
 * Open any data the CLI or library can read as a RowSource (Node only): a file chosen by its
 * extension (CSV/TSV and their .gz, .npy, .npz, .parquet; IDX and the built-in MNIST names are
 * small and read whole), `-` for standard input (NPY when the bytes start with NumPy's magic,
 * else CSV, gzipped or not), and a glob or list of files read one after another.
 */

import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { glob } from 'tinyglobby';
import { LatentError } from '../../errors.js';
import { dataFormatOfName, type DataFormat } from '../file-format.js';
import { formatNumpyShape } from '../ndarray.js';
import { loadDataset, SUPPORTED_INPUTS, type LoadOptions } from '../node-loaders.js';
import { openByteInput, checkInputFile, peek, STDIO } from './byte-input.js';
import { openCsvSource } from './csv-source.js';
import { matrixSource } from './matrix-source.js';
import { concatSources } from './multi-source.js';
import { openNpyFile, openNpyStream } from './npy-source.js';
import { openNpzSource } from './npz-source.js';
import { openParquetSource } from './parquet-source.js';
import type { RowSource } from './row-source.js';

export interface OpenOptions extends LoadOptions {
  /** Standard input for `-` (tests pass their own stream). */
  readonly stdin?: Readable;
}

export const STREAMED_INPUTS = `${SUPPORTED_INPUTS}, .parquet, - (standard input: CSV or NPY), or a quoted glob such as "parts/*.csv"`;

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const GZIP_MAGIC = [0x1f, 0x8b];

/** Whether `spec` is a glob pattern rather than one path. */
export function isGlob(spec: string): boolean {
  return /[*?[\]{}]/.test(spec);
}

/**
 * Open `spec` (a path, `-`, or a glob) for reading in chunks.
 *
 * @example
 * const rows = await openRowSource('big.csv', { idColumn: 'id' });
 * const parts = await openRowSource('parts/*.parquet');
 */
export async function openRowSource(spec: string, options: OpenOptions = {}): Promise<RowSource> {
  if (spec !== STDIO && isGlob(spec)) {
    const files = (await glob(spec, { onlyFiles: true, expandDirectories: false, absolute: true })).sort();
    if (files.length === 0)
      throw new LatentError(`${spec}: no files match`, 'check the pattern (quote it so the shell does not expand it)');
    if (files.length === 1) return openRowSource(files[0] as string, options);
    return concatSources(await Promise.all(files.map((f) => openOne(f, options))), spec);
  }
  return openOne(spec, options);
}

/** Formats read chunk by chunk from the file; the others (IDX, the built-in digits) are loaded whole first. */
export const CHUNKED_FORMATS: ReadonlySet<DataFormat> = new Set(['csv', 'tsv', 'npy', 'npz', 'parquet']);

async function openOne(path: string, options: OpenOptions): Promise<RowSource> {
  const builtin = path.toLowerCase();
  if (builtin === 'mnist' || builtin.startsWith('mnist:')) return matrixSource(loadDataset(path, options));
  if (path === STDIO) return withLabels(await openStdin(options), options);
  const format = dataFormatOfName(basename(path).toLowerCase());
  if (format === null) {
    const ext = extname(path);
    throw new LatentError(
      `${path}: unknown file type ${ext === '' ? '(no extension)' : `"${ext}"`}; supported are ${STREAMED_INPUTS}`,
      'convert the data to CSV, NPY or Parquet, or rename the file with the extension that matches its contents',
    );
  }
  checkInputFile(path, STREAMED_INPUTS);
  refuseMisplaced(format, options, path);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const delimiter = format === 'tsv' && options.delimiter === undefined ? { delimiter: '\t' as const } : {};
      return withLabels(await openCsvSource(path, { ...options, ...delimiter }), options);
    }
    case 'npy':
      return withLabels(await openNpyFile(path), options);
    case 'npz':
      return openNpzSource(path, options);
    case 'parquet':
      return withLabels(await openParquetSource(path, options), options);
    case 'idx': {
      const { idColumn: _, stdin: __, ...rest } = options;
      return matrixSource(loadDataset(path, rest));
    }
  }
}

/** The command-line flags that set the column options, so the refusal names what the user typed. */
const COMMAND_LINE_FLAGS = {
  columns: '--columns',
  labelColumn: '--labels or --label-column',
  timestampColumn: '--timestamp-column',
  idColumn: '--id-column',
} as const;

function refuseMisplaced(format: string, options: OpenOptions, source: string): void {
  const tabular = format === 'csv' || format === 'tsv' || format === 'parquet';
  const misplaced = [
    ...(tabular ? [] : (['columns', 'labelColumn', 'timestampColumn', 'idColumn'] as const).filter((k) => options[k] !== undefined)),
    ...(format === 'npz' ? [] : (['featureArray', 'labelArray'] as const).filter((k) => options[k] !== undefined)),
  ];
  if (misplaced.length > 0) {
    const named = misplaced.map((k) =>
      k in COMMAND_LINE_FLAGS ? `${k} (${COMMAND_LINE_FLAGS[k as keyof typeof COMMAND_LINE_FLAGS]})` : k,
    );
    throw new LatentError(
      `${source}: option ${named.join(', ')} does not apply to ${format.toUpperCase()} data`,
      'remove the option, or pass a file of the format it applies to',
    );
  }
}

/**
 * The file name that makes a copy of standard input read as standard input is read: the format
 * comes from the first bytes (NPY magic, gzip magic, otherwise CSV text).
 *
 * @example
 * stdinFileName(firstBytes); // 'stdin.npy', 'stdin.csv.gz' or 'stdin.csv'
 */
export function stdinFileName(head: Uint8Array): string {
  const starts = (magic: readonly number[]): boolean => magic.every((b, i) => head[i] === b);
  if (starts(NPY_MAGIC)) return 'stdin.npy';
  return starts(GZIP_MAGIC) ? 'stdin.csv.gz' : 'stdin.csv';
}

async function openStdin(options: OpenOptions): Promise<RowSource> {
  const raw = openByteInput(STDIO, false, options.stdin);
  const { head, stream } = await peek(raw.stream, 8);
  const starts = (magic: readonly number[]): boolean => magic.every((b, i) => head[i] === b);
  if (starts(NPY_MAGIC)) {
    // Columns a model was trained on (columnsFrom) name CSV columns; NPY rows are used whole.
    const { columns: _, columnsFrom: __, ...rest } = options;
    refuseMisplaced('npy', options.columnsFrom === undefined ? options : rest, 'standard input');
    return openNpyStream(stream, STDIO, () => raw.bytesRead(), undefined);
  }
  const replay = Readable.from(stream, { objectMode: false });
  return openCsvSource(STDIO, { ...options, gzipped: starts(GZIP_MAGIC), stdin: replay });
}

/** Attach labels read whole from `labelsPath` (one value per row, a small file) to every chunk. */
async function withLabels(source: RowSource, options: OpenOptions): Promise<RowSource> {
  if (options.labelsPath === undefined) return source;
  const labelsPath = options.labelsPath;
  const labels = loadDataset(labelsPath).x;
  if (labels.cols !== 1 || (source.rows !== undefined && labels.rows !== source.rows)) {
    throw new LatentError(
      `${labelsPath}: holds labels of shape ${formatNumpyShape([labels.rows, labels.cols])}, but ${source.source} has ${source.rows ?? 'another number of'} rows`,
      `the labels file needs exactly one value per sample${source.rows === undefined ? '' : ` (${source.rows} values)`}`,
    );
  }
  const mismatch = (rows: number): LatentError =>
    new LatentError(
      `${labelsPath}: holds labels of shape ${formatNumpyShape([labels.rows, labels.cols])}, but ${source.source} has ${rows} rows`,
      `the labels file needs exactly one value per sample (${rows} values)`,
    );
  return {
    ...source,
    hasLabels: true,
    bytesRead: () => source.bytesRead(),
    async *chunks(request) {
      const iterator = source.chunks(request)[Symbol.asyncIterator]();
      let rows = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) break;
        const chunk = next.value;
        rows = chunk.start + chunk.x.rows;
        if (rows > labels.rows) {
          // Count the rest of the rows, so the message says how many labels were needed.
          for (let more = await iterator.next(); more.done !== true; more = await iterator.next())
            rows = more.value.start + more.value.x.rows;
          throw mismatch(rows);
        }
        yield { ...chunk, labels: labels.data.subarray(chunk.start, rows) };
      }
      if (rows !== labels.rows) throw mismatch(rows);
    },
  };
}
