/**
 * Running a model over every row of DATA as a stream (read a chunk → model → write a chunk), for
 * the commands that map rows (`encode`, `reconstruct`, `reduce`, `denoise`, `score`): opening
 * DATA (a file, a glob, or `-` for standard input) with the model's training columns, the
 * `--id-column` carried to the output, and reading progress on standard error. Memory holds one
 * chunk, whatever the size of DATA.
 */

import type { Readable } from 'node:stream';
import { LatentError } from '../../errors.js';
import type { RowChunk, RowSource } from '../../data/sources/row-source.js';
import { openRowSource, type OpenOptions } from '../../data/sources/open-source.js';
import type { RowSink, SinkChunk } from '../../data/sinks/row-sink.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import type { DataFlags } from '../common.js';
import type { Io } from '../io.js';
import { modelDataOptions } from '../model-input.js';
import { readProgress } from '../read-progress.js';

/** Flags of commands that stream rows. */
export interface RowFlags extends DataFlags {
  /** A column whose text identifies each row, written first in the output. */
  readonly idColumn?: string;
  readonly quiet?: boolean;
}

/**
 * Open DATA for a model: `--columns`, else (for data with named columns) the model's training
 * columns; `--id-column` kept apart as text.
 *
 * @example
 * const rows = await openModelRows('big.csv', flags, loaded.training, 'm.safetensors', io);
 */
export async function openModelRows(
  data: string,
  flags: RowFlags,
  training: Readonly<Record<string, unknown>> | null,
  modelPath: string,
  io: Io,
  extra: OpenOptions = {},
): Promise<RowSource> {
  const stdin: { stdin?: Readable } = io.inStream === undefined ? {} : { stdin: io.inStream };
  return openRowSource(data, {
    ...modelDataOptions(flags, data, training, modelPath),
    ...(flags.idColumn === undefined ? {} : { idColumn: flags.idColumn }),
    ...stdin,
    ...extra,
  });
}

/** Fail with both counts when the rows do not have the model's input width. */
export function checkSourceFeatures(source: RowSource, model: Autoencoder, modelPath: string): void {
  if (source.columns.length !== model.inputDim) {
    throw new LatentError(
      `${source.source} has ${source.columns.length} features per row, but the model ${modelPath} expects ${model.inputDim}`,
      'use data with the same columns as the training data (--columns picks CSV columns; --label-column keeps a label out)',
    );
  }
}

/** The id column's name as the output's first text column, when DATA has one. */
export function idColumns(source: RowSource): string[] {
  return source.idColumn === undefined ? [] : [source.idColumn];
}

/** The chunk's ids as a text column, when DATA has an id column. */
export function idTexts(chunk: RowChunk): (readonly string[])[] {
  return chunk.ids === undefined ? [] : [chunk.ids];
}

/**
 * Map every chunk of `source` with `map` and write the result to `sink`; the sink is closed on
 * success and dropped on failure. Returns the number of rows written.
 *
 * @example
 * const rows = await streamRows(source, sink, io, false, (chunk) => ({ text: idTexts(chunk), numbers: model.encode(chunk.x) }));
 */
export async function streamRows(
  source: RowSource,
  sink: RowSink,
  io: Io,
  quiet: boolean,
  map: (chunk: RowChunk) => SinkChunk | Promise<SinkChunk>,
): Promise<number> {
  const progress = readProgress(io, source, quiet);
  try {
    for await (const chunk of source.chunks()) {
      await sink.write(await map(chunk));
      progress.tick(chunk.x.rows);
    }
    progress.done();
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return sink.rows;
}

/** Where notes go: standard error when results go to standard output, else standard output. */
export function noteTo(io: Io, output: string): (text: string) => void {
  return output === '-' ? (text) => io.err(text) : (text) => io.out(text);
}
