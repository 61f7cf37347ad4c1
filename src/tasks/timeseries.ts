/**
 * SeriesScorer: anomaly detection on time series with an autoencoder over sliding windows (dense
 * by default, or a Conv1d autoencoder with `family: 'conv1d'` — see series-model.ts for how each
 * reads a window).
 * `fit` cuts the training series (time × channels) into windows and trains on them; `score` gives
 * one score per window and per time point, and flags the points above the threshold.
 *
 * - Window: given; `'auto'`: the training series' dominant period by autocorrelation
 *   (series-period.ts says what that assumes); by default DEFAULT_WINDOW steps (at most half the
 *   fitted part of a short series). bench/nab.ts measured the fixed 32 ahead of 64 and of the
 *   period (mean NAB 61.2 against 56.8 and 57.3, each at its best setting), so the default is 32.
 * - Scaling is per channel, fitted on the training series, and stored on the model tiled over the
 *   window (each window column gets its channel's offset and scale).
 * - A point's score (`pointScore`) comes from the scores (window MSE) of the windows covering it:
 *   their `mean`, `max` or `min`, or `end` (the window that ends at the point); `step` instead
 *   takes the point's own squared error, averaged over channels and over those windows.
 *   DEFAULT_POINT_SCORE was chosen by bench/nab.ts (leave-one-series-out on NAB). A file keeps
 *   the mode it stores.
 * - Threshold: the last `holdout` share (default 20%) of the training series is held out — a
 *   contiguous tail, because overlapping windows would leak a random split — the model trains on
 *   the rest (until the tail's reconstruction loss stops improving: the automatic budget), and the rule (DEFAULT_SERIES_RULE, also chosen by bench/nab.ts) is applied to the
 *   point scores of the held-out tail: scores of data the model never saw, as new data will be.
 *   In-sample scores sit below those of any unseen data, so a threshold placed on them flags far
 *   too much. `holdout: 0` trains on everything and calibrates in-sample.
 * - With a `pot` rule the threshold keeps learning while a series is scored (`thresholdUpdate:
 *   'stream'`, the default; streaming-pot.ts): each scoring starts from the tail stored with the
 *   model, so every caller flags alike. `fixed` keeps the calibrated threshold.
 * - Alarms (alarms.ts): a step above the threshold is an exceedance; `persistence` exceedances in a
 *   row raise an alarm (the `flags`), and none follows for `cooldown` steps, so one event gives one
 *   alarm instead of a run of flags. The threshold learns from the exceedances, not the alarms.
 *   Defaults (DEFAULT_PERSISTENCE, DEFAULT_COOLDOWN_WINDOWS windows) from bench/nab.ts; files
 *   written before alarms flag every exceedance.
 * - Timestamps are optional; repeated or out-of-order ones are accepted (rows stay in file order,
 *   a step is a row) and counted in `timestampNote`.
 * Stored form: the model file plus `{ window, stride, channels, columns, pointScore, thresholdUpdate,
 * persistence, cooldown, metric, rule, threshold, tail }` under `extra.series`; the family needs no
 * setting, it is the model config's kind. A file keeps the point-score mode and alarm rule it
 * stores, so older files score as they did.
 */

import { assertFinite, type Dataset } from '../data/dataset.js';
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
import { resolveRuleOptions, SERIES_SPEC, toRule, type RuleInput, type RuleOptions } from './task-options.js';
import { formatThresholdRule, type ThresholdRule } from './threshold.js';
import { parseStreamingTail, streamFlags, streamingTail, tailThreshold, type StreamingTail } from './streaming-pot.js';
import { buildSeriesModel, channelMajor, checkModelShape, modelRows, rowIndex, tileScaler } from './series-model.js';
import type { SeriesConvOptions, SeriesFamily } from './series-model.js';
import { trainAutoencoder, type AutoencoderOptions, type TaskDefaults } from './train-model.js';
import { defaultScaler } from '../train/defaults.js';
import { dominantPeriod } from './series-period.js';
import { timestampIssues } from './series-time.js';
import { pointScores, pointScoresFromErrors, slidingWindows } from './windows.js';
import { alarms, checkAlarmRule, EVERY_EXCEEDANCE } from './alarms.js';
import { POT_LEVEL, potThreshold } from './pot.js';

/** How a time point's score is formed from the windows covering it. */
export type PointScore = 'step' | 'mean' | 'max' | 'min' | 'end';

export const POINT_SCORES: readonly PointScore[] = ['end', 'min', 'mean', 'max', 'step'];

/**
 * How the threshold behaves while a series is scored: `stream` keeps learning the tail of the
 * scores (streaming peaks over threshold, streaming-pot.ts; `pot` rules only), `fixed` keeps the
 * threshold calibrated at training.
 */
export type ThresholdUpdate = 'stream' | 'fixed';

export const THRESHOLD_UPDATES: readonly ThresholdUpdate[] = ['stream', 'fixed'];

/** `rule` (or `contamination`) is the threshold rule over the held-out point scores (default DEFAULT_SERIES_RULE). */
export interface SeriesOptions extends AutoencoderOptions, RuleOptions {
  /** Time steps per window (default DEFAULT_WINDOW), or `'auto'`: the training series' dominant period. */
  readonly window?: number | 'auto';
  /** Steps between window starts, for training and scoring (default 1). */
  readonly stride?: number;
  /** Default DEFAULT_POINT_SCORE, see the file header. */
  readonly pointScore?: PointScore;
  /** Default DEFAULT_THRESHOLD_UPDATE for `pot` rules, `fixed` for the others. */
  readonly thresholdUpdate?: ThresholdUpdate;
  /**
   * `pot` rules: the quantile of the held-out scores where the fitted tail starts (default
   * DEFAULT_POT_QUANTILE), in [0.5, 1).
   */
  readonly potQuantile?: number;
  /** Consecutive steps above the threshold an alarm needs (default DEFAULT_PERSISTENCE; alarms.ts). */
  readonly persistence?: number;
  /** Steps after an alarm that raise no new one (default DEFAULT_COOLDOWN_WINDOWS windows; alarms.ts). */
  readonly cooldown?: number;
  /** Share of the training series, at its end, held out to calibrate the threshold (default 0.2; 0 = none). */
  readonly holdout?: number;
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
  /** 1 where the point score is above the threshold in force at its step. */
  readonly exceedances: Uint8Array;
  /** The alarms: the exceedances thinned by the model's persistence and cooldown (alarms.ts). */
  readonly flags: Uint8Array;
  /** The threshold at the first step (with `stream`, it moves as the series is read). */
  readonly threshold: number;
  /** With `stream`: the threshold in force at each step. */
  readonly thresholds?: Float64Array;
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
  readonly thresholdUpdate: ThresholdUpdate;
  readonly persistence: number;
  readonly cooldown: number;
}

/** Key of the series settings in a model file's `extra` metadata. */
export const SERIES_EXTRA_KEY = 'series';

/**
 * Point-score mode of new models (bench/nab.ts, leave-one-series-out on NAB): `end`, the window
 * that ends at the step, which only looks back, so an event raises its alarm as it starts.
 */
export const DEFAULT_POINT_SCORE: PointScore = 'end';
/**
 * Threshold rule of new series models (bench/nab.ts: leave-one-series-out on NAB). The risk is
 * nominal: new data drifts away from the held-out tail, so the rule that alarms at a sensible rate
 * on unseen series extrapolates far into the tail. Without the alarm rule the selection chose
 * 1e-8; grouping a run of exceedances into one alarm lets a lower threshold pay.
 */
export const DEFAULT_SERIES_RULE: ThresholdRule = { kind: 'pot', risk: 1e-4 };
/** Threshold behaviour of new series models with a `pot` rule (bench/nab.ts). */
export const DEFAULT_THRESHOLD_UPDATE: ThresholdUpdate = 'stream';
/** Window of new series models when none is given (bench/nab.ts). */
export const DEFAULT_WINDOW = 32;
/**
 * Quantile of the held-out scores where the `pot` tail starts (bench/nab.ts; the SPOT paper's
 * 0.98).
 */
export const DEFAULT_POT_QUANTILE = POT_LEVEL;
/** Consecutive steps above the threshold before an alarm (bench/nab.ts). */
export const DEFAULT_PERSISTENCE = 2;
/** Cooldown after an alarm, in windows of the model (bench/nab.ts). */
export const DEFAULT_COOLDOWN_WINDOWS = 4;
/** Share of the training series held out for the threshold. */
export const DEFAULT_HOLDOUT = 0.2;
/**
 * Series train with the automatic budget (src/train/budget.ts), watching the reconstruction loss
 * of the held-out tail's windows: data after the training part, as new data will be. A random
 * split of overlapping windows would share most of its steps with training windows and never
 * stop improving.
 */
const SERIES_DEFAULTS: TaskDefaults = { keepScaler: true };

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
  private tail: StreamingTail | undefined;
  private lastHistory: History | undefined;
  private trainingPoints: Float64Array | undefined;

  private readonly options: Omit<SeriesOptions, 'rule' | 'contamination'> & { readonly rule?: ThresholdRule };

  /** `options` are the defaults of every `fit`; checked at once (unknown keys, wrong types). */
  constructor(options: SeriesOptions = {}) {
    this.options = resolveRuleOptions(options, SERIES_SPEC, 'SeriesScorer options');
  }

  /** Rebuild from a model and its file's `extra`; `source` names the file in errors. */
  static fromExtra(model: Autoencoder, extra: Readonly<Record<string, unknown>>, source: string): SeriesScorer {
    const stored = extra[SERIES_EXTRA_KEY];
    if (stored === undefined) {
      throw new LatentError(
        `${source}: the model file holds no time-series settings`,
        'fit it with SeriesScorer (window, stride and threshold are stored then)',
      );
    }
    const { layout, calibration, tail } = parseSeriesExtra(stored, source);
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
    scorer.tail = tail;
    return scorer;
  }

  static fromLoaded(loaded: LoadedModel, source: string): SeriesScorer {
    return SeriesScorer.fromExtra(loaded.model, loaded.extra, source);
  }

  /**
   * Train on a normal series and set the threshold from the point scores of its held-out tail.
   * Returns `this`.
   */
  async fit(input: SeriesInput, options: SeriesOptions = {}): Promise<this> {
    const merged = { ...this.options, ...resolveRuleOptions(options, SERIES_SPEC, 'SeriesScorer.fit options') };
    const {
      window: w,
      stride: s,
      pointScore: p,
      rule,
      thresholdUpdate,
      potQuantile,
      persistence,
      cooldown,
      family,
      conv,
      holdout: h,
      ...training
    } = merged;
    const { series, columns } = seriesOf(input);
    assertFinite(series, 'SeriesScorer.fit series', columns);
    const holdout = h ?? DEFAULT_HOLDOUT;
    checkHoldout(holdout);
    const head = holdout > 0 ? series.rows - Math.ceil(holdout * series.rows) : series.rows;
    const window =
      w === 'auto' ? dominantPeriod(rowsOf(series, 0, head)).window : (w ?? Math.max(2, Math.min(DEFAULT_WINDOW, Math.floor(head / 2))));
    const thresholdRule = rule ?? DEFAULT_SERIES_RULE;
    checkRule(thresholdRule);
    const tailQuantile = potQuantile ?? DEFAULT_POT_QUANTILE;
    checkPotQuantile(tailQuantile);
    const layout: SeriesLayout = {
      window,
      stride: s ?? 1,
      channels: series.cols,
      columns,
      pointScore: p ?? DEFAULT_POINT_SCORE,
      thresholdUpdate: updateFor(thresholdRule, thresholdUpdate),
      persistence: persistence ?? DEFAULT_PERSISTENCE,
      cooldown: cooldown ?? DEFAULT_COOLDOWN_WINDOWS * window,
    };
    checkPointScore(layout.pointScore);
    checkAlarmRule(layout, 'SeriesScorer options');
    if (layout.window > series.rows) {
      throw new LatentError(
        `the window length ${layout.window} is longer than the series (${series.rows} time steps)`,
        `use a window of at most ${series.rows} steps or a longer series`,
      );
    }
    if (holdout > 0 && head < layout.window) {
      throw new LatentError(
        `holding out the last ${Math.round(holdout * 100)}% of the ${series.rows} training steps leaves ${head}, fewer than the window of ${layout.window} steps`,
        'use a longer training series, a shorter window, or no held-out share (holdout 0, which calibrates on the training scores themselves)',
      );
    }
    const fitted = rowsOf(series, 0, head);
    const { windows } = slidingWindows(fitted, layout.window, layout.stride);
    const model = training.model ?? buildSeriesModel(family ?? 'dense', layout, training, conv, SERIES_DEFAULTS);
    checkModelShape(model, layout, 'the series model');
    const channelFirst = channelMajor(model);
    model.scaler = tileScaler(fitScaler(training.scaler ?? defaultScaler(fitted), fitted), layout.window, channelFirst);
    const rows = modelRows(windows, layout, channelFirst);
    const validation = training.validationSplit === undefined ? tailWindows(series, head, layout, channelFirst) : undefined;
    const { history } = await trainAutoencoder(
      rows,
      { ...training, model, ...(validation === undefined ? {} : { validationData: validation }) },
      SERIES_DEFAULTS,
    );
    this.trained = model;
    this.layout = layout;
    this.lastHistory = history;
    // Scored over the whole series, as new data will be; only the tail's points calibrate.
    this.setCalibration(this.pointsOf(series).points.slice(head === series.rows ? 0 : head), thresholdRule, tailQuantile);
    return this;
  }

  /** Window and point scores of a series with the training channels, and the flagged points. */
  score(input: SeriesInput): SeriesScores {
    this.state();
    const { series, timestamps } = seriesOf(input);
    const threshold = this.threshold;
    const { points, windowScores, starts } = this.pointsOf(series);
    const streamed = this.tail === undefined ? undefined : streamFlags(points, this.tail);
    const exceedances = streamed?.flags ?? flagAbove(points, threshold);
    return {
      windowScores,
      starts,
      pointScores: points,
      exceedances,
      flags: alarms(exceedances, this.state()),
      threshold,
      ...(streamed === undefined ? {} : { thresholds: streamed.thresholds }),
      ...(timestamps === undefined ? {} : { timestamps }),
    };
  }

  /**
   * Set the threshold from the point scores of `input` with `rule` (default: the current rule);
   * a rule other than `pot` makes the threshold fixed. A `pot` tail starts at `potQuantile`.
   */
  calibrate(input: SeriesInput, ruleInput: RuleInput = this.rule, potQuantile: number = DEFAULT_POT_QUANTILE): this {
    checkPotQuantile(potQuantile);
    const rule = toRule(ruleInput, 'calibrate') ?? this.rule;
    const layout = this.state();
    this.layout = { ...layout, thresholdUpdate: updateFor(rule, rule.kind === 'pot' ? layout.thresholdUpdate : 'fixed') };
    this.setCalibration(this.pointsOf(seriesOf(input).series).points, rule, potQuantile);
    return this;
  }

  /** The threshold (and, streaming, the tail) from calibration point scores. */
  private setCalibration(points: Float64Array, rule: ThresholdRule, potQuantile: number): void {
    this.trainingPoints = points;
    if (this.state().thresholdUpdate === 'stream' && rule.kind === 'pot') {
      this.tail = streamingTail(points, rule.risk, potQuantile);
      this.calibration = { metric: 'mse', rule, threshold: tailThreshold(this.tail) };
    } else {
      this.tail = undefined;
      this.calibration =
        rule.kind === 'pot'
          ? { metric: 'mse', rule, threshold: potThreshold(Float64Array.from(points).sort(), rule.risk, potQuantile) }
          : calibrationFrom('mse', rule, points);
    }
  }

  /** The `extra` metadata that stores window, stride, channels and threshold with the model. */
  seriesExtra(): Record<string, unknown> {
    const layout = this.state();
    return {
      [SERIES_EXTRA_KEY]: {
        ...layout,
        ...calibrationToExtra(requireCalibration(this.calibration, 'the series scorer')),
        ...(this.tail === undefined ? {} : { tail: this.tail }),
      },
    };
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
    return this.calibration?.rule ?? this.options.rule ?? DEFAULT_SERIES_RULE;
  }

  get pointScore(): PointScore {
    return this.state().pointScore;
  }

  get thresholdUpdate(): ThresholdUpdate {
    return this.state().thresholdUpdate;
  }

  /** Consecutive steps above the threshold an alarm needs. */
  get persistence(): number {
    return this.state().persistence;
  }

  /** Steps after an alarm that raise no new one. */
  get cooldown(): number {
    return this.state().cooldown;
  }

  /** Point scores the threshold came from (the held-out tail of the training series, or a calibration series). */
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

/** The feature matrix of a series input, its column names and timestamps (any order, see series-time.ts). */
function seriesOf(input: SeriesInput): { series: Matrix; columns: string[]; timestamps?: number[] } {
  if (!('x' in input)) return { series: input, columns: Array.from({ length: input.cols }, (_, i) => `x${i}`) };
  const { x, timestamps, columns } = input;
  return { series: x, columns, ...(timestamps === undefined ? {} : { timestamps }) };
}

/**
 * A note on repeated or out-of-order timestamps of a series, or undefined when they increase.
 *
 * @example
 * timestampNote(dataset); // 'series.csv: 1 repeated timestamp (first at data row 21) …'
 */
export function timestampNote(input: SeriesInput): string | undefined {
  if (!('x' in input) || input.timestamps === undefined) return undefined;
  return timestampIssues(input.timestamps, input.source);
}

/**
 * Model rows of the windows over the held-out tail (from step `head`), or undefined without one.
 * A tail shorter than a window borrows the steps just before it, so there is at least one window.
 */
function tailWindows(series: Matrix, head: number, layout: SeriesLayout, channelFirst: boolean): Matrix | undefined {
  if (head >= series.rows) return undefined;
  const from = Math.max(0, Math.min(head, series.rows - layout.window));
  const { windows } = slidingWindows(rowsOf(series, from, series.rows), layout.window, layout.stride);
  return modelRows(windows, layout, channelFirst);
}

/** Rows [from, to) of a series. */
function rowsOf(series: Matrix, from: number, to: number): Matrix {
  if (from === 0 && to === series.rows) return series;
  return matrix(series.data.subarray(from * series.cols, to * series.cols), to - from, series.cols);
}

function checkHoldout(value: number): void {
  if (!(value >= 0 && value < 1)) {
    throw new LatentError(
      `the held-out share ${value} of the training series is outside [0, 1)`,
      'use e.g. 0.2 (the last 20% calibrate the threshold), or 0 to calibrate on the training scores',
    );
  }
}

function checkPotQuantile(value: number): void {
  if (!(value >= 0.5 && value < 1)) {
    throw new LatentError(
      `the pot quantile ${value} is outside [0.5, 1)`,
      'use e.g. 0.98 (the tail is fitted to the top 2% of the held-out scores) or 0.95',
    );
  }
}

function checkPointScore(value: unknown): asserts value is PointScore {
  if (!POINT_SCORES.some((m) => m === value)) {
    throw new LatentError(`unknown point score ${JSON.stringify(value)}`, `use ${POINT_SCORES.join(', ')}`);
  }
}

function parseSeriesExtra(
  value: unknown,
  source: string,
): { layout: SeriesLayout; calibration: Calibration; tail: StreamingTail | undefined } {
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
  // Files from before alarm grouping flag every exceedance.
  const whole = (key: string, min: number, absent: number): number => {
    const v: unknown = Reflect.get(value, key) ?? absent;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw fail(`${key} must be a whole number ≥ ${min}`);
    return v;
  };
  // Files from before streaming thresholds have none: their threshold stays fixed.
  const update: unknown = Reflect.get(value, 'thresholdUpdate') ?? 'fixed';
  if (!isThresholdUpdate(update)) throw fail(`thresholdUpdate must be one of ${THRESHOLD_UPDATES.join(', ')}`);
  const layout: SeriesLayout = {
    window: int('window'),
    stride: int('stride'),
    channels: int('channels'),
    columns,
    pointScore,
    thresholdUpdate: update,
    persistence: whole('persistence', 1, EVERY_EXCEEDANCE.persistence),
    cooldown: whole('cooldown', 0, EVERY_EXCEEDANCE.cooldown),
  };
  if (layout.columns.length !== layout.channels) throw fail(`${layout.columns.length} column names for ${layout.channels} channels`);
  const calibration = calibrationFromExtra(value, source);
  if (update === 'fixed') return { layout, calibration, tail: undefined };
  if (calibration.rule.kind !== 'pot') throw fail('a streaming threshold needs a pot rule');
  return { layout, calibration, tail: parseStreamingTail(Reflect.get(value, 'tail'), source) };
}

function isThresholdUpdate(value: unknown): value is ThresholdUpdate {
  return THRESHOLD_UPDATES.some((u) => u === value);
}

/** The threshold update for `rule`: `requested`, or the default; `stream` only with a `pot` rule. */
function updateFor(rule: ThresholdRule, requested: ThresholdUpdate | undefined): ThresholdUpdate {
  if (requested === undefined) return rule.kind === 'pot' ? DEFAULT_THRESHOLD_UPDATE : 'fixed';
  if (!isThresholdUpdate(requested)) {
    throw new LatentError(`unknown threshold update ${JSON.stringify(requested)}`, `use one of ${THRESHOLD_UPDATES.join(', ')}`);
  }
  if (requested === 'stream' && rule.kind !== 'pot') {
    throw new LatentError(
      `a streaming threshold learns the tail of the scores, which only the pot rule models (the rule is ${formatThresholdRule(rule)})`,
      'use a pot rule (e.g. pot:1e-4) or the fixed threshold update',
    );
  }
  return requested;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((c) => typeof c === 'string');
}
