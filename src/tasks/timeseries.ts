/**
 * SeriesScorer: anomaly detection on time series with an autoencoder over sliding windows (dense
 * by default, or a Conv1d autoencoder with `family: 'conv1d'` — see series-model.ts for how each
 * reads a window).
 * `fit` cuts the training series (time × channels) into windows and trains on them; `score` gives
 * one score per window and per time point, and flags the points above the threshold.
 *
 * - Scaling is per channel, fitted on the training series, and stored on the model tiled over the
 *   window (each window column gets its channel's offset and scale).
 * - A point's score (default `mean`) is the mean of the scores (window MSE) of the windows
 *   covering it, or their `max`; `step` instead takes the point's own squared error, averaged
 *   over channels and over those windows — sharper in time, but noisier.
 * - The threshold comes from the training series' point scores with a rule (default `max`: flag
 *   what is worse than anything seen in training — the classic exercise).
 * Stored form: the model file plus `{ window, stride, channels, columns, pointScore, metric, rule,
 * threshold }` under `extra.series`; the family needs no setting, it is the model config's kind.
 */

import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import { matrix } from '../data/matrix.js';
import { fitScaler } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { modelToBytes, type LoadedModel, type TrainingSummary } from '../io/model-io.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { History } from '../train/types.js';
import {
  calibrationFrom,
  calibrationFromExtra,
  calibrationToExtra,
  checkRule,
  flagAbove,
  requireCalibration,
  type Calibration,
} from './detector-common.js';
import type { ThresholdRule } from './threshold.js';
import { buildSeriesModel, channelMajor, checkModelShape, modelRows, rowIndex, tileScaler } from './series-model.js';
import type { SeriesConvOptions, SeriesFamily } from './series-model.js';
import { trainAutoencoder, type AutoencoderOptions, type TaskDefaults } from './train-model.js';
import { defaultScaler } from '../train/defaults.js';
import { pointScores, pointScoresFromErrors, slidingWindows } from './windows.js';

/** How a time point's score is formed from the windows covering it. */
export type PointScore = 'step' | 'mean' | 'max';

export interface SeriesOptions extends AutoencoderOptions {
  /** Time steps per window (default 32). */
  readonly window?: number;
  /** Steps between window starts, for training and scoring (default 1). */
  readonly stride?: number;
  /** Default `mean`, see the file header. */
  readonly pointScore?: PointScore;
  /** Threshold rule over the training series' point scores (default `max`). */
  readonly rule?: ThresholdRule;
  /** The autoencoder to build when no `model` is given (default `dense`). */
  readonly family?: SeriesFamily;
  /** The conv1d stack (`family: 'conv1d'` only; defaults in SERIES_CONV_DEFAULTS). */
  readonly conv?: SeriesConvOptions;
}

/** A series: a Dataset (with optional timestamps) or a plain time × channels matrix. */
export type SeriesInput = Dataset | Matrix;

export interface SeriesScores {
  /** Mean squared error of each window (scaled units). */
  readonly windowScores: Float64Array;
  /** First time index of each window. */
  readonly starts: number[];
  /** One score per time point. */
  readonly pointScores: Float64Array;
  /** 1 where the point score is above the threshold. */
  readonly flags: Uint8Array;
  readonly threshold: number;
  /** The input's timestamps (ms since the epoch), one per point, when it had them. */
  readonly timestamps?: number[];
}

/** A run of consecutive flagged points (inclusive indices, timestamps when known). */
export interface AnomalyRange {
  readonly start: number;
  readonly end: number;
  readonly startTime?: number;
  readonly endTime?: number;
  /** Highest point score inside the range. */
  readonly peak: number;
}

interface SeriesLayout {
  readonly window: number;
  readonly stride: number;
  readonly channels: number;
  readonly columns: string[];
  readonly pointScore: PointScore;
}

/** Key of the series settings in a model file's `extra` metadata. */
export const SERIES_EXTRA_KEY = 'series';

const DEFAULT_WINDOW = 32;
/**
 * The training series is meant to be normal, so training can run longer than for unlabelled
 * tabular data: a closer fit of normal windows gives a lower, sharper threshold.
 */
const SERIES_DEFAULTS: TaskDefaults = { steps: 3000, keepScaler: true };
const MAX_RULE: ThresholdRule = { kind: 'max' };

/**
 * Sliding-window autoencoder scorer for time series.
 *
 * @example
 * const scorer = await new SeriesScorer({ window: 64 }).fit(loadDataset('normal.csv', { timestampColumn: 'timestamp' }));
 * const { flags, timestamps } = scorer.score(loadDataset('new.csv', { timestampColumn: 'timestamp' }));
 */
export class SeriesScorer {
  private trained: Autoencoder | undefined;
  private layout: SeriesLayout | undefined;
  private calibration: Calibration | undefined;
  private lastHistory: History | undefined;
  private trainingPoints: Float64Array | undefined;

  constructor(private readonly options: SeriesOptions = {}) {}

  /** Rebuild from a model and its file's `extra`; `source` names the file in errors. */
  static fromExtra(model: Autoencoder, extra: Readonly<Record<string, unknown>>, source: string): SeriesScorer {
    const stored = extra[SERIES_EXTRA_KEY];
    if (stored === undefined) {
      throw new LatentError(
        `${source}: the model file holds no time-series settings`,
        'fit it with SeriesScorer (window, stride and threshold are stored then)',
      );
    }
    const { layout, calibration } = parseSeriesExtra(stored, source);
    if (layout.window * layout.channels !== model.inputDim) {
      throw new LatentError(
        `${source}: windows of ${layout.window} steps × ${layout.channels} channels do not match the model's ${model.inputDim} inputs`,
        'the file was edited; fit the scorer again',
      );
    }
    checkModelShape(model, layout, source);
    const scorer = new SeriesScorer();
    scorer.trained = model;
    scorer.layout = layout;
    scorer.calibration = calibration;
    return scorer;
  }

  static fromLoaded(loaded: LoadedModel, source: string): SeriesScorer {
    return SeriesScorer.fromExtra(loaded.model, loaded.extra, source);
  }

  /** Train on a normal series and set the threshold from its point scores. Returns `this`. */
  async fit(input: SeriesInput, options: SeriesOptions = {}): Promise<this> {
    const merged = { ...this.options, ...options };
    const { window: w, stride: s, pointScore: p, rule, family, conv, ...training } = merged;
    const { series, columns } = seriesOf(input);
    const layout: SeriesLayout = {
      window: w ?? Math.min(DEFAULT_WINDOW, series.rows),
      stride: s ?? 1,
      channels: series.cols,
      columns,
      pointScore: p ?? 'mean',
    };
    checkPointScore(layout.pointScore);
    checkRule(rule ?? MAX_RULE);
    const { windows } = slidingWindows(series, layout.window, layout.stride);
    const model = training.model ?? buildSeriesModel(family ?? 'dense', layout, training, conv, SERIES_DEFAULTS);
    checkModelShape(model, layout, 'the series model');
    const channelFirst = channelMajor(model);
    model.scaler = tileScaler(fitScaler(training.scaler ?? defaultScaler(series), series), layout.window, channelFirst);
    const rows = modelRows(windows, layout, channelFirst);
    const { history } = await trainAutoencoder(rows, { ...training, model }, SERIES_DEFAULTS);
    this.trained = model;
    this.layout = layout;
    this.lastHistory = history;
    this.trainingPoints = this.pointsOf(series).points;
    this.calibration = calibrationFrom('mse', rule ?? MAX_RULE, this.trainingPoints);
    return this;
  }

  /** Window and point scores of a series with the training channels, and the flagged points. */
  score(input: SeriesInput): SeriesScores {
    this.state();
    const { series, timestamps } = seriesOf(input);
    const threshold = this.threshold;
    const { points, windowScores, starts } = this.pointsOf(series);
    return {
      windowScores,
      starts,
      pointScores: points,
      flags: flagAbove(points, threshold),
      threshold,
      ...(timestamps === undefined ? {} : { timestamps }),
    };
  }

  /** Set the threshold from the point scores of `input` with `rule` (default: the current rule). */
  calibrate(input: SeriesInput, rule: ThresholdRule = this.rule): this {
    this.trainingPoints = this.pointsOf(seriesOf(input).series).points;
    this.calibration = calibrationFrom('mse', rule, this.trainingPoints);
    return this;
  }

  /** The `extra` metadata that stores window, stride, channels and threshold with the model. */
  seriesExtra(): Record<string, unknown> {
    const layout = this.state();
    return { [SERIES_EXTRA_KEY]: { ...layout, ...calibrationToExtra(requireCalibration(this.calibration, 'the series scorer')) } };
  }

  toBytes(training?: TrainingSummary): Uint8Array {
    return modelToBytes(this.model, training, this.seriesExtra());
  }

  get model(): Autoencoder {
    if (this.trained === undefined) throw new LatentError('the series scorer is not fitted yet', 'call await scorer.fit(series) first');
    return this.trained;
  }

  get window(): number {
    return this.state().window;
  }

  get stride(): number {
    return this.state().stride;
  }

  get channels(): number {
    return this.state().channels;
  }

  /** Names of the channels, as the training series called them. */
  get columns(): readonly string[] {
    return [...this.state().columns];
  }

  get threshold(): number {
    return requireCalibration(this.calibration, 'the series scorer').threshold;
  }

  get rule(): ThresholdRule {
    return this.calibration?.rule ?? this.options.rule ?? MAX_RULE;
  }

  /** Point scores of the series the threshold came from. */
  get trainingScores(): Float64Array | undefined {
    return this.trainingPoints?.slice();
  }

  get history(): History | undefined {
    return this.lastHistory;
  }

  private state(): SeriesLayout {
    if (this.layout === undefined) throw new LatentError('the series scorer is not fitted yet', 'call await scorer.fit(series) first');
    return this.layout;
  }

  private pointsOf(series: Matrix): { points: Float64Array; windowScores: Float64Array; starts: number[] } {
    const layout = this.state();
    const { window, stride, channels, pointScore } = layout;
    if (series.cols !== channels) {
      throw new LatentError(
        `the series has ${series.cols} channel(s), the scorer was trained on ${channels}`,
        `pass a series with the training columns (${this.state().columns.join(', ')})`,
      );
    }
    const { windows, starts } = slidingWindows(series, window, stride);
    const channelFirst = channelMajor(this.model);
    const squared = this.model.featureErrors(modelRows(windows, layout, channelFirst));
    const steps = new Float32Array(windows.rows * window);
    const windowScores = new Float64Array(windows.rows);
    for (let w = 0; w < windows.rows; w++) {
      let total = 0;
      for (let t = 0; t < window; t++) {
        let s = 0;
        for (let c = 0; c < channels; c++) s += squared.data[w * windows.cols + rowIndex(layout, channelFirst, t, c)]!;
        steps[w * window + t] = s / channels;
        total += s;
      }
      windowScores[w] = total / windows.cols;
    }
    const points =
      pointScore === 'step'
        ? pointScoresFromErrors(matrix(steps, windows.rows, window), starts, series.rows)
        : pointScores(windowScores, starts, window, series.rows, pointScore);
    return { points, windowScores, starts };
  }
}

/**
 * Runs of consecutive flagged points.
 *
 * @example
 * anomalyRanges(scorer.score(series)); // [{ start: 2990, end: 3090, startTime: …, peak: 41.2 }]
 */
export function anomalyRanges(scores: SeriesScores): AnomalyRange[] {
  const ranges: AnomalyRange[] = [];
  const { flags, pointScores: points, timestamps } = scores;
  let i = 0;
  while (i < flags.length) {
    if (flags[i] !== 1) {
      i++;
      continue;
    }
    let end = i;
    let peak = points[i]!;
    while (end + 1 < flags.length && flags[end + 1] === 1) peak = Math.max(peak, points[++end]!);
    ranges.push({ start: i, end, peak, ...(timestamps === undefined ? {} : { startTime: timestamps[i]!, endTime: timestamps[end]! }) });
    i = end + 1;
  }
  return ranges;
}

/** The feature matrix of a series input, its column names and timestamps (checked increasing). */
function seriesOf(input: SeriesInput): { series: Matrix; columns: string[]; timestamps?: number[] } {
  if (!('x' in input)) return { series: input, columns: Array.from({ length: input.cols }, (_, i) => `x${i}`) };
  const { x, timestamps, source, columns } = input;
  if (timestamps !== undefined) {
    for (let i = 1; i < timestamps.length; i++) {
      if (!(timestamps[i]! > timestamps[i - 1]!)) {
        throw new LatentError(
          `${source}: the timestamp of data row ${i} (${new Date(timestamps[i]!).toISOString()}) is not after the one before it (rows counted from 0)`,
          'sort the series by time and remove duplicate timestamps',
        );
      }
    }
  }
  return { series: x, columns, ...(timestamps === undefined ? {} : { timestamps }) };
}

function checkPointScore(value: unknown): asserts value is PointScore {
  if (value !== 'step' && value !== 'mean' && value !== 'max') {
    throw new LatentError(`unknown point score ${JSON.stringify(value)}`, 'use step, mean or max');
  }
}

function parseSeriesExtra(value: unknown, source: string): { layout: SeriesLayout; calibration: Calibration } {
  const fail = (why: string): LatentError => new LatentError(`${source}: invalid time-series settings: ${why}`, 'fit the scorer again');
  if (typeof value !== 'object' || value === null) throw fail('expected an object');
  const int = (key: string): number => {
    const v: unknown = Reflect.get(value, key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw fail(`${key} must be a whole number ≥ 1`);
    return v;
  };
  const columns: unknown = Reflect.get(value, 'columns');
  if (!isStringArray(columns)) throw fail('columns must be a list of names');
  const pointScore: unknown = Reflect.get(value, 'pointScore');
  checkPointScore(pointScore);
  const layout: SeriesLayout = { window: int('window'), stride: int('stride'), channels: int('channels'), columns, pointScore };
  if (layout.columns.length !== layout.channels) throw fail(`${layout.columns.length} column names for ${layout.channels} channels`);
  return { layout, calibration: calibrationFromExtra(value, source) };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((c) => typeof c === 'string');
}
