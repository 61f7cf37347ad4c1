/**
 * What a loaded model file is for, read from its `extra` metadata, and the detector to score new
 * data with: the threshold stored in the file when it fits what is asked, else one computed from
 * the data at hand.
 *
 * Kinds: `series` (window, stride and threshold stored by `SeriesScorer`), `detector` (a threshold
 * stored by `AutoencoderDetector`), `denoiser` (corruption and image shape stored by
 * `AutoencoderDenoiser`), `plain` (a model with no task settings).
 */

import type { Matrix } from '../data/matrix.js';
import type { LoadedModel } from '../io/model-io.js';
import { DENOISER_EXTRA_KEY } from './denoiser.js';
import { DEFAULT_RULE, elboUnavailable, type ScoreMetric } from './detector-common.js';
import { AutoencoderDetector, DETECTOR_EXTRA_KEY } from './detector.js';
import type { ThresholdRule } from './threshold.js';
import { SERIES_EXTRA_KEY } from './timeseries.js';

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

export interface DetectorChoice {
  readonly detector: AutoencoderDetector;
  /** The rule behind the detector's threshold. */
  readonly rule: ThresholdRule;
  /** The detector settings stored in the file, if any (whether or not they were used). */
  readonly stored?: AutoencoderDetector;
  /** Whether the threshold is the stored one (else it was computed from `x`). */
  readonly fromFile: boolean;
}

/**
 * A detector for the model in `loaded`. The stored threshold is used when the file has one and
 * neither `rule` nor another `metric` is asked for; otherwise the threshold is computed now from
 * the scores of `x` (the file keeps no training scores), with `rule`, else the stored rule, else
 * the default rule. `source` names the file in errors (e.g. `elbo` asked of a model that is not a
 * VAE).
 *
 * @example
 * const { detector, fromFile } = detectorFor(loadModel('m.safetensors'), 'm.safetensors', x);
 */
export function detectorFor(loaded: LoadedModel, source: string, x: Matrix, rule?: ThresholdRule, metric?: ScoreMetric): DetectorChoice {
  const kind = loaded.model.config.kind;
  if (metric === 'elbo' && kind !== 'vae') throw elboUnavailable(`the ${kind} model in ${source}`);
  const stored = loaded.extra[DETECTOR_EXTRA_KEY] === undefined ? undefined : AutoencoderDetector.fromLoaded(loaded, source);
  if (stored !== undefined && rule === undefined && (metric === undefined || metric === stored.metric)) {
    return { detector: stored, rule: stored.rule, stored, fromFile: true };
  }
  const chosenRule = rule ?? stored?.rule ?? DEFAULT_RULE;
  // The same metric with a new rule keeps the stored score statistics (fitted on the training rows).
  const detector =
    stored !== undefined && (metric === undefined || metric === stored.metric)
      ? stored.calibrate(x, chosenRule)
      : AutoencoderDetector.fromModel(loaded.model, metric ?? stored?.metric ?? 'mse').calibrate(x, chosenRule);
  return { detector, rule: chosenRule, ...(stored === undefined ? {} : { stored }), fromFile: false };
}
