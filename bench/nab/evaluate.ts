/**
 * One series of the NAB benchmark under one candidate setting: train a series scorer on the
 * training part (its last 20% held out for the threshold, as `latent train` does), score all of
 * the series, and measure the flags and scores against the labels.
 *
 * One model serves every point-score mode, threshold choice and alarm rule of a window choice: the
 * modes only differ in how window scores become point scores, the rules only in where the cut goes
 * (a fixed threshold, or one that streams: streaming-pot.ts; for `pot` rules, from which quantile
 * the tail is fitted), and the alarm rules only in which exceedances become flags (alarms.ts).
 */

import type { Matrix } from '../../src/data/matrix.js';
import type { TrainingBudget } from '../../src/train/budget.js';
import { alarms, type AlarmRule } from '../../src/tasks/alarms.js';
import { flagAbove } from '../../src/tasks/detector-common.js';
import { rocAuc } from '../../src/tasks/metrics.js';
import { nabScore } from '../../src/tasks/nab-score.js';
import { potThreshold } from '../../src/tasks/pot.js';
import { streamFlags, streamingTail } from '../../src/tasks/streaming-pot.js';
import { computeThreshold, formatThresholdRule, parseThresholdRule, type ThresholdRule } from '../../src/tasks/threshold.js';
import {
  DEFAULT_POT_QUANTILE,
  POINT_SCORES,
  SERIES_EXTRA_KEY,
  SeriesScorer,
  type PointScore,
  type ThresholdUpdate,
} from '../../src/tasks/timeseries.js';
import type { NabSeries } from './corpus.js';

/** The window of a candidate: the series' period (`auto`) or a fixed number of steps. */
export type WindowChoice = 'auto' | number;

export interface Metrics {
  /** Share of flagged points inside a labelled window (undefined without flags). */
  readonly precision?: number;
  /** Share of labelled windows with at least one flag (undefined without windows). */
  readonly windowRecall?: number;
  /** Share of all points flagged. */
  readonly flagged: number;
  /** Flags per 1,000 points. */
  readonly perThousand: number;
  /** ROC-AUC of the point scores (undefined without windows). */
  readonly rocAuc?: number;
  /** NAB standard score, normalised 0–100 (undefined without windows). */
  readonly nab?: number;
  /** Raw NAB score (false-positive cost on a clean series). */
  readonly nabRaw: number;
}

/** Metrics of every (mode, rule) pair for one series and window choice, keyed `mode|rule`. */
export type SeriesResults = Map<string, Metrics>;

/** A threshold rule, how it behaves while a series is scored, and (pot rules) the tail's start. */
export interface ThresholdChoice {
  readonly rule: ThresholdRule;
  readonly update: ThresholdUpdate;
  /** `pot` rules: the quantile of the calibration scores where the tail starts. */
  readonly quantile: number;
}

/** `pot:1e-8` (fixed), `pot:1e-8+stream`, `pot:1e-8@0.95+stream` (tail from the 0.95 quantile). */
export function formatChoice({ rule, update, quantile }: ThresholdChoice): string {
  const from = rule.kind === 'pot' && quantile !== DEFAULT_POT_QUANTILE ? `@${quantile}` : '';
  return `${formatThresholdRule(rule)}${from}${update === 'stream' ? '+stream' : ''}`;
}

export function parseChoice(text: string): ThresholdChoice {
  const stream = text.endsWith('+stream');
  const [rule, quantile] = (stream ? text.slice(0, -'+stream'.length) : text).split('@') as [string, string | undefined];
  return {
    rule: parseThresholdRule(rule),
    update: stream ? 'stream' : 'fixed',
    quantile: quantile === undefined ? DEFAULT_POT_QUANTILE : Number(quantile),
  };
}

/** An alarm rule with the cooldown counted in windows (the candidate is the same for every window). */
export interface AlarmChoice {
  readonly persistence: number;
  readonly cooldownWindows: number;
}

/** `p2c4`: persistence 2, cooldown 4 windows. */
export function formatAlarm({ persistence, cooldownWindows }: AlarmChoice): string {
  return `p${persistence}c${cooldownWindows}`;
}

export function parseAlarm(text: string): AlarmChoice {
  const match = /^p(\d+)c(\d+)$/.exec(text);
  if (match === null) throw new Error(`alarm choice ${text}: expected pNcM`);
  return { persistence: Number(match[1]), cooldownWindows: Number(match[2]) };
}

export function candidateKey(window: WindowChoice, mode: PointScore, choice: ThresholdChoice, alarm: AlarmChoice): string {
  return `${window}|${mode}|${formatChoice(choice)}|${formatAlarm(alarm)}`;
}

/** The exceedances of `scores` under `choice`, calibrated on `calibration`. */
function exceedancesOf(scores: Float64Array, calibration: Float64Array, { rule, update, quantile }: ThresholdChoice): Uint8Array {
  if (rule.kind === 'pot') {
    if (update === 'stream') return streamFlags(scores, streamingTail(calibration, rule.risk, quantile)).flags;
    return flagAbove(scores, potThreshold(Float64Array.from(calibration).sort(), rule.risk, quantile));
  }
  return flagAbove(scores, computeThreshold(rule, calibration));
}

/** The alarm rule of `alarm` for a model with windows of `window` steps. */
export function alarmRule(alarm: AlarmChoice, window: number): AlarmRule {
  return { persistence: alarm.persistence, cooldown: alarm.cooldownWindows * window };
}

export interface TrainSettings {
  /** Changes to the automatic training budget (the quick run caps it). */
  readonly budget?: Partial<TrainingBudget>;
  readonly holdout: number;
}

/**
 * Train once for `window`, then measure every mode × rule × alarm rule; returns the metrics by
 * candidate key and the window used.
 */
export async function evaluateSeries(
  series: NabSeries,
  window: WindowChoice,
  choices: readonly ThresholdChoice[],
  alarmChoices: readonly AlarmChoice[],
  settings: TrainSettings,
  modes: readonly PointScore[] = POINT_SCORES,
): Promise<{ results: SeriesResults; window: number }> {
  const x = series.data.x;
  const train = rows(x, series.trainRows);
  const scorer = await new SeriesScorer({
    window,
    holdout: settings.holdout,
    ...(settings.budget === undefined ? {} : { budget: settings.budget }),
  }).fit(train);
  const head = series.trainRows - Math.ceil(settings.holdout * series.trainRows);
  const extra = scorer.seriesExtra()[SERIES_EXTRA_KEY] as Record<string, unknown>;
  const results: SeriesResults = new Map();
  for (const mode of modes) {
    const moded = SeriesScorer.fromExtra(scorer.model, { [SERIES_EXTRA_KEY]: { ...extra, pointScore: mode } }, series.name);
    // Without a held-out part the threshold comes from the in-sample scores, as SeriesScorer does.
    const calibration = moded.score(train).pointScores.slice(head === series.trainRows ? 0 : head);
    const scores = moded.score(x).pointScores;
    const auc = series.windows.length === 0 ? undefined : rocAuc(series.labels, scores);
    for (const choice of choices) {
      const exceedances = exceedancesOf(scores, calibration, choice);
      for (const alarm of alarmChoices) {
        const flags = alarms(exceedances, alarmRule(alarm, scorer.window));
        results.set(candidateKey(window, mode, choice, alarm), measure(series, flags, auc));
      }
    }
  }
  return { results, window: scorer.window };
}

function measure(series: NabSeries, flags: Uint8Array, auc: number | undefined): Metrics {
  let flagged = 0;
  let inside = 0;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === 1) {
      flagged++;
      if (series.labels[i] === 1) inside++;
    }
  }
  const hit = series.windows.filter(([l, r]) => flags.subarray(l, r + 1).includes(1)).length;
  const nab = nabScore(flags, series.windows, { probation: series.trainRows });
  return {
    ...(flagged === 0 ? {} : { precision: inside / flagged }),
    ...(series.windows.length === 0 ? {} : { windowRecall: hit / series.windows.length }),
    flagged: flagged / flags.length,
    perThousand: (1000 * flagged) / flags.length,
    ...(auc === undefined ? {} : { rocAuc: auc }),
    ...(nab.normalized === undefined ? {} : { nab: nab.normalized }),
    nabRaw: nab.raw,
  };
}

function rows(x: Matrix, n: number): Matrix {
  return { data: x.data.subarray(0, n * x.cols), rows: n, cols: x.cols };
}
