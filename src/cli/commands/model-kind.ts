/**
 * The anomaly-detection options the `score` and `evaluate` commands share: the threshold rule,
 * the score metric, and a detector whose threshold is either the one stored in the file or one
 * computed now (`detectorFor` decides; the note tells the user which and why).
 */

import type { Matrix } from '../../data/matrix.js';
import type { LoadedModel } from '../../io/model-io.js';
import { DEFAULT_RULE, elboUnavailable, SCORE_METRICS, type ScoreMetric } from '../../tasks/detector-common.js';
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
  if (choice.fromFile) {
    const threshold = `threshold ${formatLoss(detector.threshold)} (${detector.metric}, rule ${formatThresholdRule(choice.rule)})`;
    return { detector, note: `${threshold} stored in ${modelPath}` };
  }
  const note = computedThresholdNote(
    detector.threshold,
    detector.metric,
    choice.rule,
    stored !== undefined,
    rule !== undefined,
    modelPath,
    dataSource,
  );
  return { detector, note };
}

/** The note on a threshold computed from the scores of `dataSource` (and why it was not the stored one). */
export function computedThresholdNote(
  threshold: number,
  metric: ScoreMetric,
  rule: ThresholdRule,
  hasStored: boolean,
  ruleGiven: boolean,
  modelPath: string,
  dataSource: string,
): string {
  const why = hasStored
    ? `${modelPath} stores no training scores to apply ${ruleGiven ? 'a new rule' : `--metric ${metric}`} to`
    : `${modelPath} stores no threshold${ruleGiven ? '' : ', so the default rule applies'}`;
  return `threshold ${formatLoss(threshold)} (${metric}, rule ${formatThresholdRule(rule)}) computed from the scores of ${dataSource} itself (${why})`;
}

/** A detector that scores rows now and gets its threshold from those scores afterwards. */
export interface ScoringDetector {
  readonly detector: AutoencoderDetector;
  /** The rule the threshold is to be computed with. */
  readonly rule: ThresholdRule;
  /** Whether the model file stores detector settings (then only the rule or metric is new). */
  readonly hasStored: boolean;
  /** Whether the score needs statistics fitted on DATA before it can score (the combined score of a model that stores none). */
  readonly needsStatistics: boolean;
}

/**
 * The detector `detectorFor` would calibrate on DATA, before seeing DATA: the stored detector
 * (same metric, a new rule) or a fresh one for the metric. For commands that score every row
 * first and compute the threshold of `rule` from all the scores.
 *
 * @example
 * const { detector, rule } = scoringDetector(loaded, 'm.safetensors'); // then computeThreshold(rule, scores)
 */
export function scoringDetector(loaded: LoadedModel, modelPath: string, rule?: ThresholdRule, metric?: ScoreMetric): ScoringDetector {
  const kind = loaded.model.config.kind;
  if (metric === 'elbo' && kind !== 'vae') throw elboUnavailable(`the ${kind} model in ${modelPath}`);
  const stored = loaded.extra[DETECTOR_EXTRA_KEY] === undefined ? undefined : AutoencoderDetector.fromLoaded(loaded, modelPath);
  const chosenRule = rule ?? stored?.rule ?? DEFAULT_RULE;
  const hasStored = stored !== undefined;
  if (stored !== undefined && (metric === undefined || metric === stored.metric)) {
    return { detector: stored, rule: chosenRule, hasStored, needsStatistics: false };
  }
  const detector = AutoencoderDetector.fromModel(loaded.model, metric ?? stored?.metric ?? 'mse');
  return { detector, rule: chosenRule, hasStored, needsStatistics: detector.metric === 'combined' };
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
