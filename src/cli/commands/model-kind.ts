/**
 * The anomaly-detection options the `score` and `evaluate` commands share: the threshold rule,
 * the score metric, and a detector whose threshold is either the one stored in the file or one
 * computed now (`detectorFor` decides; the note tells the user which and why).
 */

import type { Matrix } from '../../data/matrix.js';
import type { LoadedModel } from '../../io/model-io.js';
import { SCORE_METRICS, type ScoreMetric } from '../../tasks/detector-common.js';
import { AutoencoderDetector, DETECTOR_EXTRA_KEY } from '../../tasks/detector.js';
import { detectorFor } from '../../tasks/model-task.js';
import { formatThresholdRule, parseThresholdRule, type ThresholdRule } from '../../tasks/threshold.js';
import { formatLoss } from '../format.js';
import { parseChoice } from '../options.js';

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
 * A detector for the model in `loaded` (see `detectorFor`) and a note on its threshold.
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
  const choice = detectorFor(loaded, modelPath, x, rule, metric);
  const { detector, stored } = choice;
  const threshold = `threshold ${formatLoss(detector.threshold)} (${detector.metric}, rule ${formatThresholdRule(choice.rule)})`;
  if (choice.fromFile) return { detector, note: `${threshold} stored in ${modelPath}` };
  const why =
    stored === undefined
      ? `${modelPath} stores no threshold${rule === undefined ? ', so the default rule applies' : ''}`
      : `${modelPath} stores no training scores to apply ${rule === undefined ? `--metric ${detector.metric}` : 'a new rule'} to`;
  return { detector, note: `${threshold} computed from the scores of ${dataSource} itself (${why})` };
}

/**
 * The detector stored in `loaded` when it can score without seeing the data first (a stored
 * threshold, no new rule, the stored metric): the case where scoring streams. Otherwise undefined,
 * and the threshold must come from the data (see `thresholdedDetector`).
 *
 * @example
 * const stored = storedDetector(loaded, 'm.safetensors'); // stream when defined
 */
export function storedDetector(
  loaded: LoadedModel,
  modelPath: string,
  rule?: ThresholdRule,
  metric?: ScoreMetric,
): ThresholdedDetector | undefined {
  if (loaded.extra[DETECTOR_EXTRA_KEY] === undefined || rule !== undefined) return undefined;
  if (metric === 'elbo' && loaded.model.config.kind !== 'vae') return undefined; // detectorFor says why
  const detector = AutoencoderDetector.fromLoaded(loaded, modelPath);
  if (metric !== undefined && metric !== detector.metric) return undefined;
  const threshold = `threshold ${formatLoss(detector.threshold)} (${detector.metric}, rule ${formatThresholdRule(detector.rule)})`;
  return { detector, note: `${threshold} stored in ${modelPath}` };
}
