/**
 * `latent train SERIES.csv --window N|auto [--stride S]`: a time-series anomaly scorer. The numeric
 * columns of the series are its channels, scaled per channel; sliding windows of N steps (every S
 * steps) are the rows a dense autoencoder (or, with --model conv1d, a Conv1d one: --conv-channels,
 * --kernel, --conv-stride, --padding) learns. `--window auto` takes the series' dominant period;
 * `--timestamp-column` without --window makes the file a series with the default window (32). A
 * CSV is a series only when one of these two flags asks: a tabular CSV may carry a timestamp
 * column too. The last 20% of the series (--holdout) is held out of training; the threshold is
 * the series rule (--threshold-rule, default pot:1e-4) over the point scores of that tail; with a
 * pot rule it keeps learning the tail while a series is scored (--threshold-update stream, the
 * default; fixed keeps it; --pot-quantile: where the tail starts). Exceedances become alarms after
 * --persistence steps in a row, at most one per --cooldown steps. Window, stride, point-score mode,
 * alarm rule, channels and threshold are saved in the model file, so `latent score MODEL OTHER.csv`
 * needs nothing else.
 *
 * The usual `latent train` options for the model and the optimizer apply; options for other
 * families, checkpoints, resuming and reports do not (they are refused before any work).
 */

import { LatentError } from '../../errors.js';
import { trainingSummary } from '../../io/training-summary.js';
import { formatThresholdRule, parseThresholdRule } from '../../tasks/threshold.js';
import { SERIES_FAMILIES, type SeriesFamily } from '../../tasks/series-model.js';
import {
  DEFAULT_HOLDOUT,
  DEFAULT_WINDOW,
  POINT_SCORES,
  SeriesScorer,
  THRESHOLD_UPDATES,
  timestampNote,
  type SeriesOptions,
} from '../../tasks/timeseries.js';
import { windowStarts } from '../../tasks/windows.js';
import { setupBackend, skippedColumnsNote } from '../common.js';
import { formatDuration, formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { parseChoice, parseInteger } from '../options.js';
import { checkModelOutput, defaultModelPath } from '../outputs.js';
import { saveTrainedModel } from '../save-trained.js';
import { readSeries } from './series-data.js';
import { taskProgress } from './task-progress.js';
import { parseTrainFlags, type TrainFlags } from './train-options.js';

/** `latent train` flags plus the time-series ones. */
export interface SeriesTrainFlags extends TrainFlags {
  readonly window?: string;
  readonly timestampColumn?: string;
  /** Stride of each convolution of a conv1d series model (--stride is the window stride). */
  readonly convStride?: string;
  /** How a point's score comes from its windows (end, min, mean, max, step). */
  readonly pointScore?: string;
  /** Share of the series, at its end, held out to calibrate the threshold. */
  readonly holdout?: string;
  readonly thresholdRule?: string;
  /** stream (pot rules: the threshold learns while scoring) or fixed. */
  readonly thresholdUpdate?: string;
  /** pot rules: the quantile of the held-out scores where the tail starts. */
  readonly potQuantile?: string;
  /** Consecutive steps above the threshold an alarm needs. */
  readonly persistence?: string;
  /** Steps after an alarm that raise no new one. */
  readonly cooldown?: string;
}

/** Train options that have no meaning for a series scorer. */
const NOT_FOR_SERIES = [
  ['resume', '--resume'],
  ['checkpoint', '--checkpoint'],
  ['report', '--report'],
  ['labelColumn', '--label-column'],
] as const;

/** Whether the flags ask for a series scorer (`latent train` dispatches on this). */
export function wantsSeries(flags: SeriesTrainFlags): boolean {
  return flags.window !== undefined || flags.timestampColumn !== undefined;
}

/** Run `latent train DATA --window N|auto`; returns the exit code. */
export async function runTrainSeries(data: string, flags: SeriesTrainFlags, io: Io): Promise<number> {
  const auto = flags.window !== undefined && flags.window.trim().toLowerCase() === 'auto';
  const asked = auto || flags.window === undefined ? undefined : parseInteger('--window', flags.window, { min: 2 });
  const stride = flags.stride === undefined ? 1 : parseInteger('--stride', flags.stride, { min: 1 });
  const pointScore = flags.pointScore === undefined ? undefined : parseChoice('--point-score', flags.pointScore, POINT_SCORES);
  const holdout = parseHoldout(flags.holdout);
  const rule = flags.thresholdRule === undefined ? undefined : parseThresholdRule(flags.thresholdRule);
  const thresholdUpdate =
    flags.thresholdUpdate === undefined ? undefined : parseChoice('--threshold-update', flags.thresholdUpdate, THRESHOLD_UPDATES);
  const potQuantile = parsePotQuantile(flags.potQuantile);
  const persistence = flags.persistence === undefined ? undefined : parseInteger('--persistence', flags.persistence, { min: 1 });
  const cooldown = flags.cooldown === undefined ? undefined : parseInteger('--cooldown', flags.cooldown, { min: 0 });
  if (asked !== undefined && stride > asked) {
    const window = asked;
    throw new LatentError(
      `--stride ${stride} is longer than the window of ${window} steps`,
      'use a stride from 1 to the window length; a longer one would leave time steps unscored',
    );
  }
  for (const [key, flag] of NOT_FOR_SERIES) {
    if (flags[key] !== undefined) throw new LatentError(`${flag} is not available with --window`, `drop ${flag}`);
  }
  const family = seriesFamily(flags);
  const convStride = flags.convStride === undefined ? undefined : parseInteger('--conv-stride', flags.convStride, { min: 1 });
  // --stride means the window stride here, not a convolution's.
  const {
    window: _w,
    stride: _s,
    timestampColumn: _t,
    convStride: _c,
    pointScore: _p,
    holdout: _h,
    thresholdRule: _r,
    thresholdUpdate: _u,
    potQuantile: _q,
    persistence: _a,
    cooldown: _d,
    ...rest
  } = flags;
  const settings = parseTrainFlags(rest);
  const f = settings.family;
  const conv = {
    ...(f.convChannels === undefined ? {} : { convChannels: f.convChannels }),
    ...(f.kernel === undefined ? {} : { kernel: f.kernel }),
    ...(convStride === undefined ? {} : { stride: convStride }),
    ...(f.padding === undefined ? {} : { padding: f.padding }),
  };
  const force = flags.force === true;
  const output = flags.output ?? defaultModelPath(data);
  checkModelOutput(output, force);

  const backend = await setupBackend(flags.backend);
  const series = readSeries(data, flags);
  const { x } = series;
  if (asked !== undefined && x.rows < asked) {
    const window = asked;
    throw new LatentError(
      `--window ${window} is longer than the series ${series.source} (${x.rows} time steps)`,
      `use a window of at most ${x.rows} steps, or a longer series`,
    );
  }
  if (asked !== undefined && settings.latent !== undefined && settings.latent >= asked * x.cols) {
    const inputs = asked * x.cols;
    throw new LatentError(
      `--latent ${settings.latent} is not below the ${inputs} values of a window (${asked} steps × ${x.cols} channels)`,
      `choose --latent below ${inputs}`,
    );
  }
  const quiet = flags.quiet === true;
  const note = timestampNote(series);
  if (note !== undefined) io.err(`note: ${note}\n`);
  if (!quiet) {
    io.out(
      skippedColumnsNote(series) +
        `training a series scorer on ${series.source}: ${x.rows} time steps × ${x.cols} channel${x.cols === 1 ? '' : 's'} (${series.columns.join(', ')}), ` +
        `${auto ? "windows of the series' period" : `windows of ${asked ?? `${DEFAULT_WINDOW} (the default)`} steps`} every ${stride}${family === 'conv1d' ? ', conv1d model' : ''}, ` +
        `the last ${Math.round(holdout * 100)}% held out for the threshold, backend ${backend.name}\n`,
    );
  }
  const progress = taskProgress(io, quiet);
  const options: SeriesOptions = {
    ...(auto ? { window: 'auto' as const } : asked === undefined ? {} : { window: asked }),
    stride,
    holdout,
    ...(pointScore === undefined ? {} : { pointScore }),
    ...(rule === undefined ? {} : { rule }),
    ...(thresholdUpdate === undefined ? {} : { thresholdUpdate }),
    ...(potQuantile === undefined ? {} : { potQuantile }),
    ...(persistence === undefined ? {} : { persistence }),
    ...(cooldown === undefined ? {} : { cooldown }),
    family,
    conv,
    seed: settings.seed,
    activation: settings.activation,
    dropout: settings.dropout,
    optimizer: { name: settings.optimizer, lr: settings.lr },
    ...(settings.latent === undefined ? {} : { latentDim: settings.latent }),
    ...(settings.hidden === undefined ? {} : { hidden: settings.hidden }),
    ...(settings.outputActivation === undefined ? {} : { outputActivation: settings.outputActivation }),
    ...(settings.loss === undefined ? {} : { loss: settings.loss }),
    ...(settings.scale === undefined ? {} : { scaler: settings.scale }),
    ...(settings.epochs === undefined ? {} : { epochs: settings.epochs }),
    ...(settings.maxSeconds === undefined ? {} : { maxSeconds: settings.maxSeconds }),
    ...(flags.batchSize === undefined ? {} : { batchSize: settings.batchSize }),
    ...(flags.valSplit === undefined ? {} : { validationSplit: settings.valSplit }),
    ...(flags.valSplit !== undefined && settings.valSplit > 0 && settings.patience > 0
      ? { earlyStopping: { patience: settings.patience, restoreBestWeights: true } }
      : {}),
    ...(settings.lrSchedule === undefined ? {} : { lrSchedule: settings.lrSchedule }),
    ...(settings.clipNorm === undefined ? {} : { clipNorm: settings.clipNorm }),
    ...(settings.noise === undefined ? {} : { corruption: settings.noise }),
    onBatchEnd: progress.onBatchEnd,
    onEpochEnd: progress.onEpochEnd,
  };
  const start = performance.now();
  let scorer: SeriesScorer;
  try {
    scorer = await new SeriesScorer(options).fit(series);
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const history = scorer.history!;
  const window = scorer.window;
  const training = trainingSummary({
    history,
    samples: windowStarts(x.rows - Math.ceil(holdout * x.rows), window, stride).length,
    seconds,
    backend: backend.name,
    source: data,
    columns: series.columns,
    options: {
      model: family,
      window,
      stride,
      pointScore: scorer.pointScore,
      holdout,
      ...conv1dSummary(scorer),
      latent: scorer.model.latentDim,
      hidden: Reflect.get(scorer.model.config, 'hidden') ?? null,
      optimizer: settings.optimizer,
      lr: settings.lr,
      epochs: history.epochs.length,
      seed: settings.seed,
      rule: formatThresholdRule(scorer.rule),
      thresholdUpdate: scorer.thresholdUpdate,
      persistence: scorer.persistence,
      cooldown: scorer.cooldown,
    },
  });
  saveTrainedModel(output, scorer.model, { overwrite: force, training, extra: scorer.seriesExtra() });
  const calibratedOn =
    (holdout > 0 ? `of the point scores of the held-out last ${Math.round(holdout * 100)}%` : 'of the training point scores') +
    (scorer.thresholdUpdate === 'stream' ? '; it keeps learning the tail while a series is scored' : '');
  io.out(
    `saved ${family === 'conv1d' ? 'conv1d ' : ''}series model to ${output}: window ${window}${auto ? " (the series' period)" : ''}, ` +
      `stride ${stride}, ${x.cols} channel${x.cols === 1 ? '' : 's'}, point score ${scorer.pointScore}, ` +
      `threshold ${formatLoss(scorer.threshold)} (rule ${formatThresholdRule(scorer.rule)} ${calibratedOn}), ` +
      `alarms after ${scorer.persistence} step${scorer.persistence === 1 ? '' : 's'} above it, cooldown ${scorer.cooldown} steps, ` +
      `${history.epochs.length} epochs, ${formatDuration(seconds)} on ${backend.name}\n`,
  );
  return 0;
}

/** --pot-quantile: where the pot tail starts, in [0.5, 1). */
function parsePotQuantile(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0.5 && value < 1)) {
    throw new LatentError(
      `--pot-quantile ${text}: the quantile where the tail starts must be a number in [0.5, 1)`,
      'use e.g. --pot-quantile 0.98 (the top 2% of the held-out scores) or 0.95',
    );
  }
  return value;
}

/** --holdout: the share of the series held out for the threshold, in [0, 1). */
function parseHoldout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_HOLDOUT;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value < 1)) {
    throw new LatentError(
      `--holdout ${text}: the held-out share must be a number in [0, 1)`,
      'use e.g. --holdout 0.2 (the last 20% calibrate the threshold), or 0 to calibrate on the training scores',
    );
  }
  return value;
}

/**
 * The model family of a series scorer from --model (dense or conv1d), with the flags that do not
 * fit it refused: --conv-stride without conv1d; --hidden, --dropout and --channels with conv1d
 * (a series' channels are its columns).
 */
function seriesFamily(flags: SeriesTrainFlags): SeriesFamily {
  const name = (flags.model ?? 'dense').trim().toLowerCase();
  const family = SERIES_FAMILIES.find((k) => k === name);
  if (family === undefined) {
    throw new LatentError(
      `--model ${flags.model}: a series scorer (--window) uses a dense autoencoder, or a conv1d one`,
      'use --model dense or --model conv1d, or drop --window',
    );
  }
  if (family !== 'conv1d' && flags.convStride !== undefined) {
    throw new LatentError('--conv-stride applies to --model conv1d', 'add --model conv1d, or drop --conv-stride');
  }
  if (family === 'conv1d') {
    const refused = [
      ['hidden', '--hidden', 'a conv1d model has convolutions instead (--conv-channels)'],
      ['dropout', '--dropout', 'a conv1d model has no dropout'],
      ['channels', '--channels', 'the channels of a series are its numeric columns (choose them with --columns)'],
    ] as const;
    for (const [key, flag, why] of refused) {
      if (flags[key] !== undefined) throw new LatentError(`${flag} does not apply to a conv1d series model: ${why}`, `drop ${flag}`);
    }
  }
  return family;
}

/** The conv stack of a conv1d series model, for the training summary. */
function conv1dSummary(scorer: SeriesScorer): Record<string, unknown> {
  const config = scorer.model.config;
  if (config.kind !== 'conv1d') return {};
  return { convChannels: [...config.convChannels], kernel: config.kernel, convStride: config.stride, padding: config.padding };
}

/**
 * Refuses flags that only a series scorer reads, for a `latent train` without --window.
 *
 * @example
 * if (!wantsSeries(flags)) refuseSeriesOnlyFlags(flags);
 */
export function refuseSeriesOnlyFlags(flags: SeriesTrainFlags): void {
  if (flags.convStride !== undefined) {
    throw new LatentError(
      '--conv-stride applies to a series scorer (--window N --model conv1d)',
      'without --window, set the stride of the convolutions with --stride',
    );
  }
  for (const [key, flag] of [
    ['pointScore', '--point-score'],
    ['holdout', '--holdout'],
    ['thresholdUpdate', '--threshold-update'],
    ['potQuantile', '--pot-quantile'],
    ['persistence', '--persistence'],
    ['cooldown', '--cooldown'],
  ] as const) {
    if (flags[key] !== undefined)
      throw new LatentError(`${flag} applies to a series scorer`, `add --window N or --window auto, or drop ${flag}`);
  }
}
