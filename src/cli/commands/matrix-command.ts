/**
 * The shape shared by the commands that run a model over every row of a data file and write one
 * matrix (`encode`, `reconstruct`, `reduce`): arguments MODEL and DATA (`-` for standard input),
 * `-o OUT` (.csv, .jsonl, .npy, .parquet, or `-` for standard output in the `--format` given),
 * the column flags, `--id-column`,
 * `--backend`, `--force` and `--quiet`; and their common first steps, in the order that fails
 * fastest — the output path, the flags, the backend, the model, then the data (opened as a
 * stream: rows are read, mapped and written chunk by chunk).
 */

import type { Command } from 'commander';
import {
  checkSinkPath,
  openRowSink,
  SINK_FORMATS,
  sinkFormat,
  type RowSink,
  type SinkColumns,
  type SinkFormat,
} from '../../data/sinks/row-sink.js';
import { parseChoice } from '../options.js';
import type { RowSource } from '../../data/sources/row-source.js';
import type { LoadedModel } from '../../io/model-io.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { ACCELERATOR_HELP } from '../accelerator-option.js';
import { loadOptions, setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';
import { checkSourceFeatures, idColumns, openModelRows, type RowFlags } from './row-stream.js';

export interface MatrixFlags extends RowFlags {
  readonly output: string;
  /** The format of `-o -`. */
  readonly format?: string;
  readonly force?: boolean;
  readonly backend?: string;
  /** Commands that take `--accelerator` (encode, reconstruct). */
  readonly accelerator?: string;
}

/** The `-o` help of commands that write rows. */
export const ROW_OUTPUT_HELP = 'output file: .csv, .jsonl, .npy or .parquet, or - for standard output (CSV unless --format says otherwise)';
/** The `--format` help. */
export const FORMAT_HELP = "format of -o - (standard output): csv, jsonl, npy or parquet (default: csv; a file takes its extension's)";

/**
 * `--format` text → format, checked against the output path (a file's extension sets its format).
 *
 * @example
 * outputFormat({ output: '-', format: 'npy' }); // 'npy'
 */
export function outputFormat(flags: { readonly output: string; readonly format?: string }): SinkFormat {
  const format = flags.format === undefined ? undefined : parseChoice('--format', flags.format, SINK_FORMATS);
  return sinkFormat(flags.output, format);
}

/**
 * Check `-o` (and `--format`) before any work, as `checkSinkPath` does.
 *
 * @example
 * checkOutput(flags, io, flags.idColumn !== undefined);
 */
export function checkOutput(
  flags: { readonly output: string; readonly format?: string; readonly force?: boolean },
  io: Io,
  hasText: boolean,
): SinkFormat {
  const format = outputFormat(flags);
  checkSinkPath(flags.output, flags.force === true, hasText, { format, ...(io.outStream === undefined ? {} : { stdout: io.outStream }) });
  return format;
}

/**
 * Where a command writes rows: `-o`, in its format, standard output from `io`.
 *
 * @example
 * const sink = await openOutput(flags, io, { text: [], numbers: ['score', 'flag'] });
 */
export function openOutput(
  flags: { readonly output: string; readonly format?: string; readonly force?: boolean },
  io: Io,
  columns: SinkColumns,
): Promise<RowSink> {
  return openRowSink(flags.output, columns, {
    overwrite: flags.force === true,
    format: outputFormat(flags),
    ...(io.outStream === undefined ? {} : { stdout: io.outStream }),
  });
}
/** The DATA help of commands that read rows. */
export const ROW_DATA_HELP = 'data with the training columns: a file, a quoted glob ("parts/*.csv"), or - for standard input';
/** The `--id-column` help. */
export const ID_COLUMN_HELP = 'CSV/Parquet: a column identifying each row, left out of the features and written first in the output';

/** What a matrix command says about itself in `--help`. */
export interface MatrixCommandHelp {
  readonly summary: string;
  readonly description: string;
  /** The placeholder of `-o`, e.g. `CODES`. */
  readonly output: string;
  /** Whether the command takes `--accelerator` (it runs the network through `openInference`). */
  readonly accelerated?: boolean;
}

/** A matrix command's work: returns the exit code. */
export type MatrixRun = (modelPath: string, data: string, flags: MatrixFlags, io: Io) => Promise<number>;

/**
 * Add the command `name` to the program, with the options every matrix command takes.
 *
 * @example
 * registerMatrixCommand(program, context, 'encode', { summary, description, output: 'CODES' }, runEncode);
 */
export function registerMatrixCommand(
  program: Command,
  context: CommandContext,
  name: string,
  help: MatrixCommandHelp,
  run: MatrixRun,
): void {
  const command = program
    .command(name)
    .summary(help.summary)
    .description(help.description)
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .argument('<DATA>', ROW_DATA_HELP)
    .requiredOption(`-o, --output <${help.output}>`, ROW_OUTPUT_HELP)
    .option('--format <name>', FORMAT_HELP)
    .option('--columns <names>', 'CSV/Parquet: feature columns to use, comma-separated (default: the columns the model was trained on)')
    .option('--label-column <name>', 'CSV/Parquet: a label column to leave out')
    .option('--id-column <name>', ID_COLUMN_HELP)
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .option('-q, --quiet', 'no reading progress on standard error');
  if (help.accelerated) command.option('--accelerator <name>', ACCELERATOR_HELP);
  command.action(async (model: string, data: string, flags: MatrixFlags) => {
    context.setExitCode(await run(model, data, flags, context.io));
  });
}

export interface ModelAndRows {
  readonly loaded: LoadedModel;
  readonly model: Autoencoder;
  /** DATA, opened for reading in chunks. */
  readonly source: RowSource;
  /** Whether an existing output file may be replaced. */
  readonly force: boolean;
}

/**
 * Check the output path, set up the backend, load the model, open the data (by the model's
 * training columns unless `--columns` is given) and check that it has the model's width.
 *
 * @example
 * const { model, source } = await openModelAndRows('m.safetensors', 'big.csv', flags, io);
 */
export async function openModelAndRows(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<ModelAndRows> {
  const force = flags.force === true;
  checkOutput(flags, io, flags.idColumn !== undefined);
  loadOptions(flags, data);
  await setupBackend(flags.backend);
  const loaded = loadModelArgument(modelPath);
  const source = await openModelRows(data, flags, loaded.training, modelPath, io);
  checkSourceFeatures(source, loaded.model, modelPath);
  return { loaded, model: loaded.model, source, force };
}

/**
 * The output of a matrix command: the id column (when DATA has one), then `numbers`.
 *
 * @example
 * const sink = await openMatrixSink(flags, source, codeColumns(8), io);
 */
export function openMatrixSink(flags: MatrixFlags, source: RowSource, numbers: readonly string[], io: Io): Promise<RowSink> {
  return openOutput(flags, io, { text: idColumns(source), numbers });
}

/** How a message names the output: its path, or standard output. */
export function outputName(path: string): string {
  return path === '-' ? 'standard output' : path;
}
