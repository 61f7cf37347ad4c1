/**
 * What a model file is for, read from its `extra` metadata, and the anomaly-detection options the
 * `score` and `evaluate` commands share: the threshold rule, the score metric, and a detector
 * whose threshold is either the one stored in the file or one computed now (the output says which).
 *
 * Kinds: `series` (window, stride and threshold stored by `latent train --window`), `detector`
 * (a threshold stored by AutoencoderDetector), `denoiser` (corruption and image shape stored by
 * AutoencoderDenoiser), `plain` (a model from `latent train`).
 */

import type { LoadedModel } from '../../io/model-io.js';
import { DENOISER_EXTRA_KEY } from '../../tasks/denoiser.js';
import { DEFAULT_RULE, SCORE_METRICS, type ScoreMetric } from '../../tasks/detector-common.js';
import { AutoencoderDetector, DETECTOR_EXTRA_KEY } from '../../tasks/detector.js';
import type { Matrix } from '../../data/matrix.js';
import { formatThresholdRule, parseThresholdRule, type ThresholdRule } from '../../tasks/threshold.js';
import { SERIES_EXTRA_KEY } from '../../tasks/timeseries.js';
import { formatLoss } from '../format.js';
import { parseChoice } from '../options.js';

export type TaskKind = 'series' | 'detector' | 'denoiser' | 'plain';

/**
 * The task a loaded model file was saved for.
 *
 * @example
 * taskKind(loadModel('nab.safetensors')); // 'series'
 */
export function taskKind(loaded: LoadedModel): TaskKind {
  if (loaded.extra[SERIES_EXTRA_KEY] !== undefined) return 'series';
  if (loaded.extra[DETECTOR_EXTRA_KEY] !== undefined) return 'detector';
  if (loaded.extra[DENOISER_EXTRA_KEY] !== undefined) return 'denoiser';
  return 'plain';
}

/** `--threshold-rule` text → rule (the rule parser's message lists the valid forms). */
export function parseRuleFlag(text: string | undefined): ThresholdRule | undefined {
  return text === undefined ? undefined : parseThresholdRule(text);
}

/** `--metric` text → metric. */
export function parseMetricFlag(text: string | undefined): ScoreMetric | undefined {
  return text === undefined ? undefined : parseChoice('--metric', text, SCORE_METRICS);
}

export interface ThresholdedDetector {
  readonly detector: AutoencoderDetector;
  /** One line for the user: the threshold, its rule, and where it came from. */
  readonly note: string;
}

/**
 * A detector for the model in `loaded`. The stored threshold is used when the file has one and
 * neither `rule` nor another `metric` is asked for; otherwise the threshold is computed now from
 * the scores of `x` (the file keeps no training scores), with `rule`, else the stored rule, else
 * the default rule.
 *
 * @example
 * const { detector, note } = thresholdedDetector(loaded, 'm.safetensors', data.x, data.source);
 */
export function thresholdedDetector(
  loaded: LoadedModel,
  modelPath: string,
  x: Matrix,
  dataSource: string,
  rule?: ThresholdRule,
  metric?: ScoreMetric,
): ThresholdedDetector {
  const stored = loaded.extra[DETECTOR_EXTRA_KEY] === undefined ? undefined : AutoencoderDetector.fromLoaded(loaded, modelPath);
  if (stored !== undefined && rule === undefined && (metric === undefined || metric === stored.metric)) {
    return {
      detector: stored,
      note: `threshold ${formatLoss(stored.threshold)} (${stored.metric}, rule ${formatThresholdRule(stored.rule)}) stored in ${modelPath}`,
    };
  }
  const chosenRule = rule ?? stored?.rule ?? DEFAULT_RULE;
  const detector = AutoencoderDetector.fromModel(loaded.model, metric ?? stored?.metric ?? 'mse').calibrate(x, chosenRule);
  const why =
    stored === undefined
      ? `${modelPath} stores no threshold${rule === undefined ? ', so the default rule applies' : ''}`
      : `${modelPath} stores no training scores to apply ${rule === undefined ? `--metric ${detector.metric}` : 'a new rule'} to`;
  return {
    detector,
    note: `threshold ${formatLoss(detector.threshold)} (${detector.metric}, rule ${formatThresholdRule(chosenRule)}) computed from the scores of ${dataSource} itself (${why})`,
  };
}
