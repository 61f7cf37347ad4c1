/**
 * `latent train` on data larger than memory: when DATA is streamed, and what streaming changes.
 *
 * A file above `STREAM_BYTES` (or any DATA with --stream) is not loaded: one pass fits the scaler
 * and counts the rows (with read progress), then every epoch reads it again in shuffled blocks
 * (`prepareStream`), so memory is bounded by the shuffle buffer and the model whatever the file
 * size. Smaller files train in memory exactly as before; --no-stream forces that.
 *
 * What differs when streaming: the validation rows are chosen by a seeded hash of the row index
 * (not a shuffled split), the data-driven defaults (scaler, output activation, loss) come from the
 * training rows' per-column range, and the comparison with PCA, --report and --threshold-rule,
 * which need every row in memory, are not available (refused with a hint, not ignored).
 */

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { LoadedDataset, LoadOptions } from '../../data/node-loaders.js';
import { dataFormatOfName } from '../../data/file-format.js';
import { CHUNKED_FORMATS, isGlob, openRowSource } from '../../data/sources/open-source.js';
import { LatentError } from '../../errors.js';
import { prepareStream, type StreamedRows } from '../../train/stream-batches.js';
import type { Io } from '../io.js';
import { readProgress } from '../read-progress.js';
import type { TrainFlags } from './train-options.js';

/** Files larger than this are streamed by default: above it, holding the rows (and their scaled copy) in memory costs gigabytes. */
export const STREAM_BYTES = 1024 * 1024 * 1024;

/**
 * Whether `latent train DATA` streams: as --stream / --no-stream say, else when DATA is a file of
 * a chunked format larger than `threshold` bytes.
 *
 * @example
 * streamsData('big.npy', undefined); // true for a 2.5 GB file, false for a 10 MB one
 */
export function streamsData(data: string, flag: boolean | undefined, threshold = STREAM_BYTES): boolean {
  if (flag !== undefined) return flag;
  if (data === '-' || isGlob(data)) return false;
  const format = dataFormatOfName(basename(data).toLowerCase());
  if (format === null || !CHUNKED_FORMATS.has(format)) return false;
  try {
    return statSync(data).size > threshold;
  } catch {
    return false; // the loader reports the missing file
  }
}

/**
 * Whether a checkpoint's run was streamed, so a resumed run reads its data the same way (and
 * continues bit for bit); undefined for a checkpoint without a training summary.
 */
export function checkpointStreamed(training: Readonly<Record<string, unknown>> | null): boolean | undefined {
  const options = training?.['options'];
  if (options === null || typeof options !== 'object') return undefined;
  return Reflect.get(options, 'stream') === true;
}

/** Refuse, before any reading, what streamed training cannot do. */
export function refuseUnstreamable(flags: TrainFlags, data: string): void {
  const why = 'needs every row in memory, and DATA is streamed';
  const hint = `${flags.stream === true ? 'leave out --stream' : 'pass --no-stream to load DATA whole (it must fit in memory)'}, or train on a sample of the rows`;
  if (data === '-') {
    // Reached when resuming a streamed run from a pipe: --stream copies the pipe to a file first.
    throw new LatentError(
      'a streamed run cannot continue from standard input without a copy: training reads the data once per epoch',
      'pass --stream to copy standard input to a temporary file and stream from it, or save the data to a file and pass its name',
    );
  }
  if (flags.report !== undefined) throw new LatentError(`--report ${why}`, hint);
  if (flags.thresholdRule !== undefined) {
    throw new LatentError(`--threshold-rule ${why} (the threshold is calibrated on the validation rows)`, hint);
  }
}

/** Streamed training data, prepared: the rows, and what stands in for the dataset. */
export interface TrainingStream {
  readonly rows: StreamedRows;
  /**
   * Stands in for the loaded dataset where only its columns, shape and per-column range matter:
   * `x` holds the training rows' minima and maxima (2 rows). Every data-driven default (scaler,
   * output activation, loss) depends on the data only through its range (is it in [0, 1]?), so
   * they come out as they would on the rows themselves.
   */
  readonly dataset: LoadedDataset;
  /** Rows in DATA (training and validation). */
  readonly totalRows: number;
}

/**
 * Open `data` for streamed training: one pass fits the scaler moments and counts the rows of each
 * part of the split (with read progress on standard error for large files). Messages and the
 * model's training record name the data `shownAs` (`-` when `data` is a copy of standard input).
 *
 * @example
 * const stream = await openTrainingStream('big.npy', {}, { valSplit: 0.1, seed: 42 }, io, false);
 */
export async function openTrainingStream(
  data: string,
  options: LoadOptions,
  split: { readonly valSplit: number; readonly seed: number },
  io: Io,
  quiet: boolean,
  shownAs = data,
): Promise<TrainingStream> {
  const source = await openRowSource(data, options);
  const progress = readProgress(io, source, quiet);
  const { rows } = await prepareStream(source, undefined, {
    validationSplit: split.valSplit,
    seed: split.seed,
    onChunk: (n) => progress.tick(n),
  });
  progress.done();
  const dataset: LoadedDataset = {
    x: rows.range,
    columns: [...source.columns],
    source: shownAs,
    ...(source.sampleShape === undefined ? {} : { sampleShape: source.sampleShape }),
    ...(source.skippedColumns === undefined ? {} : { skippedColumns: source.skippedColumns }),
  };
  return { rows, dataset, totalRows: rows.trainRows + rows.validationRows };
}
