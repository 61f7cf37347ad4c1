/**
 * `latent score MODEL DATA -o SCORES`: anomaly scores and 0/1 flags for every row of DATA (or
 * every time step, for a series model), written as columns `score,flag` — with `timestamp`
 * first when the data has timestamps — to CSV, JSON Lines or Parquet, or as a two-column .npy.
 *
 * The model file decides what a row is: a series model (from `latent train --window`) scores
 * time steps with its stored window, stride and threshold and prints the flagged ranges; any other
 * model scores rows by reconstruction error, with the stored detector threshold or one computed
 * from DATA (the output says which). Checks run before any work: the output path first.
 *
 * Rows stream (read a chunk → score → write a chunk, any size of DATA, `-` for standard input and
 * output). A threshold stored in the model takes one pass; a threshold computed from DATA takes
 * two: the first draws a uniform sample of DATA's rows (all of them up to `defaultSampleRows`,
 * about 64 MiB of values) and computes the threshold from their scores, the second scores and
 * writes every row. Standard input is copied to a temporary file for the second pass.
 * `--id-column` writes each row's id first.
 */

import type { Command } from 'commander';
import type { ExtraColumn } from '../../data/csv-writer.js';
import { sampleRows } from '../../data/sources/row-sample.js';
import type { RowSource } from '../../data/sources/row-source.js';
import type { ScoreMetric } from '../../tasks/detector-common.js';
import type { ThresholdRule } from '../../tasks/threshold.js';
import { readProgress } from '../read-progress.js';
import { readTwice, type TwoPasses } from './read-twice.js';
import type { Dataset } from '../../data/dataset.js';
import { matrix } from '../../data/matrix.js';
import { saveMatrix } from '../../data/node-loaders.js';
import type { SinkChunk } from '../../data/sinks/row-sink.js';
import type { RowChunk } from '../../data/sources/row-source.js';
import { flagAbove } from '../../tasks/detector-common.js';
import type { Accelerator } from '../../accelerator/index.js';
import { LatentError } from '../../errors.js';
import type { LoadedModel } from '../../io/model-io.js';
import { taskKind } from '../../tasks/model-task.js';
import { formatThresholdRule } from '../../tasks/threshold.js';
import { anomalyRanges, SeriesScorer, timestampNote, type AnomalyRange } from '../../tasks/timeseries.js';
import { ACCELERATOR_HELP, engineNote, openCommandInference, parseAcceleratorFlag } from '../accelerator-option.js';
import { loadOptions, refuseCsvFlags, setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import { formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';
import { checkMatrixOutput } from '../outputs.js';
import {
  checkOutput,
  FORMAT_HELP,
  ID_COLUMN_HELP,
  openOutput,
  outputFormat,
  outputName,
  ROW_DATA_HELP,
  ROW_OUTPUT_HELP,
} from './matrix-command.js';
import { parseMetricFlag, parseRuleFlag, storedDetector, thresholdedDetector, type ThresholdedDetector } from './model-kind.js';
import { checkSourceFeatures, noteTo, openModelRows, streamRows } from './row-stream.js';
import { formatTimestamp, readSeries } from './series-data.js';

export interface ScoreFlags {
  readonly output: string;
  readonly format?: string;
  readonly thresholdRule?: string;
  readonly metric?: string;
  readonly columns?: string;
  readonly labelColumn?: string;
  readonly timestampColumn?: string;
  readonly idColumn?: string;
  readonly backend?: string;
  readonly accelerator?: string;
  readonly force?: boolean;
  readonly quiet?: boolean;
}

/** Ranges printed in full; longer lists end with a count. */
const RANGES_SHOWN = 20;

/** Add `score` to the program. */
export function registerScore(program: Command, context: CommandContext): void {
  program
    .command('score')
    .summary('anomaly scores and 0/1 flags for each row (or time step) of DATA')
    .description(
      'Score every row of DATA by reconstruction error and flag the rows above the threshold; write the columns ' +
        'score,flag (timestamp first when the data has timestamps) to a .csv, or score and flag to a .npy.\n\n' +
        'Threshold: the one stored in MODEL (series models from `latent train --window`, detectors saved by the ' +
        'library); otherwise, or with --threshold-rule, one computed from the scores of DATA itself with the rule ' +
        '(default contamination:0.1). The output says which. A threshold from DATA takes two passes over DATA: the ' +
        'first scores a uniform sample of its rows (all of them up to about 64 MiB of values), the second writes ' +
        'every row; standard input is copied to a temporary file for the second pass.\n\n' +
        'A series model scores each time step from the windows covering it (the mode stored in MODEL: end = the window ending at the step, min, mean, max or step) and prints the flagged ranges.',
    )
    .argument('<MODEL>', 'model file (.safetensors)')
    .argument('<DATA>', `${ROW_DATA_HELP}; or a series CSV for a series model`)
    .requiredOption('-o, --output <SCORES>', ROW_OUTPUT_HELP)
    .option('--format <name>', FORMAT_HELP)
    .option(
      '--threshold-rule <rule>',
      'contamination:0.05, percentile:99, std:3, mad:3.5, max or pot:1e-3 (default: the stored threshold, else contamination:0.1 on DATA)',
    )
    .option(
      '--metric <name>',
      'per-row score: combined, mse, mae, or elbo (negative ELBO, vae models only) (default: the stored metric, else mse; series models use mse)',
    )
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated (default: the columns the model was trained on)')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option(
      '--timestamp-column <name>',
      'CSV only: column of dates/times, written first in the output (default: "timestamp" when the header has it, for series models)',
    )
    .option('--id-column <name>', ID_COLUMN_HELP)
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('--accelerator <name>', ACCELERATOR_HELP)
    .option('-f, --force', 'replace an existing output file')
    .option('-q, --quiet', 'no reading progress on standard error')
    .action(async (model: string, data: string, flags: ScoreFlags) => {
      context.setExitCode(await runScore(model, data, flags, context.io));
    });
}

export async function runScore(modelPath: string, data: string, flags: ScoreFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  const rule = parseRuleFlag(flags.thresholdRule);
  const metric = parseMetricFlag(flags.metric);
  const accelerator = parseAcceleratorFlag(flags);
  checkOutput(flags, io, flags.idColumn !== undefined);
  await setupBackend(flags.backend);
  loadOptions(flags, data);
  refuseCsvFlags(data, { '--timestamp-column': flags.timestampColumn, '--id-column': flags.idColumn });
  const loaded = loadModelArgument(modelPath);
  if (taskKind(loaded) === 'series') {
    checkMatrixOutput(flags.output, force);
    if (metric !== undefined && metric !== 'mse') {
      throw new LatentError(`--metric ${metric}: the series model ${modelPath} scores with mse`, 'drop --metric');
    }
    if (flags.accelerator !== undefined) {
      throw new LatentError(`--accelerator: the series model ${modelPath} scores its windows with latent's backend`, 'drop --accelerator');
    }
    return scoreSeries(loaded, modelPath, data, flags, io);
  }
  const extra = flags.timestampColumn === undefined ? {} : { timestampColumn: flags.timestampColumn };
  const stored = storedDetector(loaded, modelPath, rule, metric);
  const quiet = flags.quiet === true;
  let passes: TwoPasses | undefined;
  try {
    let source: RowSource;
    let scoring: ThresholdedDetector;
    if (stored !== undefined) {
      source = await openModelRows(data, flags, loaded.training, modelPath, io, extra);
      checkSourceFeatures(source, loaded.model, modelPath);
      scoring = stored;
    } else {
      // The threshold comes from DATA's own scores: a first pass draws a bounded sample of its rows.
      passes = await readTwice(data, io, (pass) => openModelRows(data, flags, loaded.training, modelPath, pass, extra));
      const first = await passes.open();
      checkSourceFeatures(first, loaded.model, modelPath);
      scoring = await detectorFromSample(first, loaded, modelPath, rule, metric, io, quiet);
      source = await passes.open();
    }
    return await writeScores(source, scoring, flags, io, accelerator);
  } finally {
    passes?.release();
  }
}

/**
 * The detector whose threshold (and, for the combined score, statistics) come from a uniform
 * sample of DATA's rows: all of them when DATA has at most `defaultSampleRows` rows (exactly what
 * scoring DATA whole gives), else a seeded sample of that many.
 */
async function detectorFromSample(
  source: RowSource,
  loaded: LoadedModel,
  modelPath: string,
  rule: ThresholdRule | undefined,
  metric: ScoreMetric | undefined,
  io: Io,
  quiet: boolean,
): Promise<ThresholdedDetector> {
  const progress = readProgress(io, source, quiet);
  const sample = await sampleRows(source, { onChunk: (chunk) => progress.tick(chunk.x.rows) });
  progress.done();
  const rows = sample.x.rows;
  const from =
    rows === sample.totalRows ? source.source : `a uniform sample of ${rows} of the ${sample.totalRows} rows of ${source.source}`;
  return thresholdedDetector(loaded, modelPath, sample.x, from, rule, metric);
}

/**
 * Score every row of `source` with `scoring` and write scores and flags, chunk by chunk, the
 * network running on the accelerator chosen.
 */
async function writeScores(
  source: RowSource,
  scoring: ThresholdedDetector,
  flags: ScoreFlags,
  io: Io,
  accelerator: Accelerator,
): Promise<number> {
  const npy = outputFormat(flags) === 'npy';
  const text = [...(source.idColumn === undefined ? [] : [source.idColumn]), ...(source.hasTimestamps && !npy ? ['timestamp'] : [])];
  const { detector } = scoring;
  const inference = await openCommandInference(detector, accelerator);
  let flagged = 0;
  let rows: number;
  try {
    const sink = await openOutput(flags, io, { text, numbers: ['score', 'flag'] });
    rows = await streamRows(source, sink, io, flags.quiet === true, async (chunk) => {
      const scored = scoreChunk(await inference.score(chunk.x), detector.threshold, chunk, npy);
      flagged += scored.flagged;
      return scored.out;
    });
  } finally {
    await inference.close();
  }
  const note = noteTo(io, flags.output);
  note(
    `${scoring.note}${engineNote(inference)}\n${flaggedCount(flagged, rows, 'rows')}\nwrote ${rows} scores and flags to ${outputName(flags.output)}\n`,
  );
  return 0;
}

/** The scores of a chunk with their 0/1 flags, ids and timestamps (no timestamps in an .npy). */
function scoreChunk(scores: Float64Array, threshold: number, chunk: RowChunk, npy: boolean): { out: SinkChunk; flagged: number } {
  const flags = flagAbove(scores, threshold);
  const values = new Float32Array(scores.length * 2);
  let flagged = 0;
  for (let i = 0; i < scores.length; i++) {
    values[2 * i] = scores[i]!;
    values[2 * i + 1] = flags[i]!;
    flagged += flags[i]!;
  }
  const text: (readonly string[])[] = [
    ...(chunk.ids === undefined ? [] : [chunk.ids]),
    ...(chunk.timestamps === undefined || npy ? [] : [chunk.timestamps.map(formatTimestamp)]),
  ];
  return { out: { text, numbers: matrix(values, scores.length, 2) }, flagged };
}

function scoreSeries(loaded: LoadedModel, modelPath: string, data: string, flags: ScoreFlags, io: Io): number {
  const scorer = SeriesScorer.fromLoaded(loaded, modelPath);
  const series = readSeries(data, flags, scorer.columns);
  checkSeriesLength(series, scorer.window, modelPath);
  const timeNote = timestampNote(series);
  if (timeNote !== undefined) io.err(`note: ${timeNote}\n`);
  const rule = parseRuleFlag(flags.thresholdRule);
  const streaming = scorer.thresholdUpdate === 'stream' ? ', then learning the tail of the scores as the series streams' : '';
  let note = `threshold ${formatLoss(scorer.threshold)} (rule ${formatThresholdRule(scorer.rule)}, from the training series${streaming}) stored in ${modelPath}`;
  if (rule !== undefined) {
    scorer.calibrate(series, rule);
    note = `threshold ${formatLoss(scorer.threshold)} (rule ${formatThresholdRule(rule)}) computed from the point scores of ${series.source} itself (${modelPath} stores no training scores)`;
  }
  const result = scorer.score(series);
  writeSeriesScores(flags.output, result.pointScores, result.flags, result.timestamps, flags.force === true);
  const ranges = anomalyRanges(result);
  const lines = [
    `series model: window ${scorer.window}, stride ${scorer.stride}, ${scorer.channels} channel${scorer.channels === 1 ? '' : 's'}, point score ${scorer.pointScore}; ${note}`,
    `alarms: after ${scorer.persistence} step${scorer.persistence === 1 ? '' : 's'} above the threshold, then none for ${scorer.cooldown} steps`,
    flaggedLine(result.flags, 'time steps'),
    ...(ranges.length === 0 ? [] : [`flagged ranges (${ranges.length}):`, ...ranges.slice(0, RANGES_SHOWN).map(describeRange)]),
    ...(ranges.length > RANGES_SHOWN ? [`  … and ${ranges.length - RANGES_SHOWN} more`] : []),
    `wrote ${result.pointScores.length} scores and flags to ${flags.output}`,
  ];
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

/** A series shorter than the model's window has no window to score. */
function checkSeriesLength(series: Dataset, window: number, modelPath: string): void {
  if (series.x.rows < window) {
    throw new LatentError(
      `${series.source} has ${series.x.rows} time steps, fewer than the window of ${window} steps of ${modelPath}`,
      `score a series of at least ${window} time steps`,
    );
  }
}

function flaggedLine(flags: Uint8Array, what: string): string {
  let count = 0;
  for (const f of flags) count += f;
  return flaggedCount(count, flags.length, what);
}

function flaggedCount(count: number, total: number, what: string): string {
  const share = total === 0 ? 0 : (100 * count) / total;
  return `flagged ${count} of ${total} ${what} (${share.toFixed(1)}%)`;
}

/** `  steps 2988–3090  2014-04-11 09:00:00 → 2014-04-11 17:30:00  peak 41.2` (steps count from 0). */
export function describeRange(range: AnomalyRange): string {
  const rows = range.start === range.end ? `step ${range.start}` : `steps ${range.start}–${range.end}`;
  const times =
    range.startTime === undefined || range.endTime === undefined
      ? ''
      : `  ${formatTimestamp(range.startTime)}${range.end === range.start ? '' : ` → ${formatTimestamp(range.endTime)}`}`;
  return `  ${rows}${times}  peak ${formatLoss(range.peak)}`;
}

/** CSV `[timestamp,]score,flag`, or a two-column NPY of score and flag. */
function writeSeriesScores(
  path: string,
  scores: Float64Array,
  flags: Uint8Array,
  timestamps: readonly number[] | undefined,
  force: boolean,
): void {
  const rows = scores.length;
  if (path.toLowerCase().endsWith('.npy')) {
    const data = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      data[2 * i] = scores[i]!;
      data[2 * i + 1] = flags[i]!;
    }
    saveMatrix(path, { data, rows, cols: 2 }, { overwrite: force });
    return;
  }
  const columns: ExtraColumn[] = [
    ...(timestamps === undefined ? [] : [{ name: 'timestamp', values: timestamps.map(formatTimestamp) }]),
    // Scores are float32 data, as in the .npy output: written at float32's shortest round-trip digits.
    { name: 'score', values: Float32Array.from(scores) },
    { name: 'flag', values: flags },
  ];
  saveMatrix(path, { data: new Float32Array(0), rows, cols: 0 }, { overwrite: force, extraColumns: columns });
}
