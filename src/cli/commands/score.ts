/**
 * `latent score MODEL DATA -o SCORES`: anomaly scores and 0/1 flags for every row of DATA (or
 * every time step, for a series model), written as CSV columns `score,flag` — with `timestamp`
 * first when the data has timestamps — or as a two-column .npy.
 *
 * The model file decides what a row is: a series model (from `latent train --window`) scores
 * time steps with its stored window, stride and threshold and prints the flagged ranges; any other
 * model scores rows by reconstruction error, with the stored detector threshold or one computed
 * from DATA (the output says which). Checks run before any work: the output path first.
 */

import type { Command } from 'commander';
import type { ExtraColumn } from '../../data/csv-writer.js';
import type { Dataset } from '../../data/dataset.js';
import { loadDataset, saveMatrix } from '../../data/node-loaders.js';
import { LatentError } from '../../errors.js';
import type { LoadedModel } from '../../io/model-io.js';
import { taskKind } from '../../tasks/model-task.js';
import { formatThresholdRule } from '../../tasks/threshold.js';
import { anomalyRanges, SeriesScorer, timestampNote, type AnomalyRange } from '../../tasks/timeseries.js';
import { checkFeatures, loadOptions, refuseCsvFlags, setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import { formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { loadModelArgument, modelDataOptions } from '../model-input.js';
import { checkMatrixOutput } from '../outputs.js';
import { parseMetricFlag, parseRuleFlag, thresholdedDetector } from './model-kind.js';
import { formatTimestamp, readSeries } from './series-data.js';

export interface ScoreFlags {
  readonly output: string;
  readonly thresholdRule?: string;
  readonly metric?: string;
  readonly columns?: string;
  readonly labelColumn?: string;
  readonly timestampColumn?: string;
  readonly backend?: string;
  readonly force?: boolean;
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
        '(default contamination:0.1). The output says which.\n\n' +
        'A series model scores each time step from the windows covering it (the mode stored in MODEL: end = the window ending at the step, min, mean, max or step) and prints the flagged ranges.',
    )
    .argument('<MODEL>', 'model file (.safetensors)')
    .argument('<DATA>', 'rows with the training columns, or a series CSV for a series model')
    .requiredOption('-o, --output <SCORES>', 'output file, .csv or .npy')
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
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, data: string, flags: ScoreFlags) => {
      context.setExitCode(await runScore(model, data, flags, context.io));
    });
}

export async function runScore(modelPath: string, data: string, flags: ScoreFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  checkMatrixOutput(flags.output, force);
  const rule = parseRuleFlag(flags.thresholdRule);
  const metric = parseMetricFlag(flags.metric);
  await setupBackend(flags.backend);
  loadOptions(flags, data);
  refuseCsvFlags(data, { '--timestamp-column': flags.timestampColumn });
  const loaded = loadModelArgument(modelPath);
  if (taskKind(loaded) === 'series') {
    if (metric !== undefined && metric !== 'mse') {
      throw new LatentError(`--metric ${metric}: the series model ${modelPath} scores with mse`, 'drop --metric');
    }
    return scoreSeries(loaded, modelPath, data, flags, io);
  }
  const dataset = loadDataset(data, {
    ...modelDataOptions(flags, data, loaded.training, modelPath),
    ...(flags.timestampColumn === undefined ? {} : { timestampColumn: flags.timestampColumn }),
  });
  checkFeatures(dataset, loaded.model, modelPath);
  const { detector, note } = thresholdedDetector(loaded, modelPath, dataset.x, dataset.source, rule, metric);
  const scores = detector.score(dataset.x);
  const flagged = detector.predict(dataset.x);
  writeScores(flags.output, scores, flagged, dataset.timestamps, force);
  io.out(`${note}\n${flaggedLine(flagged, 'rows')}\nwrote ${scores.length} scores and flags to ${flags.output}\n`);
  return 0;
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
  writeScores(flags.output, result.pointScores, result.flags, result.timestamps, flags.force === true);
  const ranges = anomalyRanges(result);
  const lines = [
    `series model: window ${scorer.window}, stride ${scorer.stride}, ${scorer.channels} channel${scorer.channels === 1 ? '' : 's'}, point score ${scorer.pointScore}; ${note}`,
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
  const share = flags.length === 0 ? 0 : (100 * count) / flags.length;
  return `flagged ${count} of ${flags.length} ${what} (${share.toFixed(1)}%)`;
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
function writeScores(
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
