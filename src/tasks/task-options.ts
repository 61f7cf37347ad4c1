/**
 * The option lists of the task classes (reducer, detectors, denoiser, series scorer) for the
 * run-time checks of check-options.ts, and the familiar spellings of a threshold rule that the
 * detectors accept besides the rule object: a string such as `'percentile:99'`, and
 * `contamination: 0.05` (PyOD's name) for `rule: { kind: 'contamination', fraction: 0.05 }`.
 *
 * Invariant: each spec lists exactly the keys its options interface declares; the test of this
 * file compares them with a fully-populated object of each interface, so a new option that is
 * not added here fails there, not at a user's desk.
 */

import { checkOptions, type OptionSpec } from '../check-options.js';
import { LatentError } from '../errors.js';
import { SCALER_KINDS } from '../data/scaler.js';
import { FIT_SPEC } from '../train/trainer.js';
import { SCORE_METRICS } from './detector-common.js';
import { TRAINER_KEYS } from './train-model.js';
import { parseThresholdRule, type ThresholdRule } from './threshold.js';

/** A threshold rule as an object, or in the command line's spelling (`'contamination:0.05'`). */
export type RuleInput = ThresholdRule | string;

/** The familiar ways to say which threshold rule a detector uses. */
export interface RuleOptions {
  /** The threshold rule (default `contamination:0.1`), as an object or a string such as `'percentile:99'`. */
  readonly rule?: RuleInput;
  /** Share of rows expected to be anomalous: the same as `rule: 'contamination:C'`. */
  readonly contamination?: number;
}

/** Keys of AutoencoderOptions (train-model.ts): the dense model's shape plus the training run. */
export const AUTOENCODER_SPEC: OptionSpec = {
  ...pickSpec(FIT_SPEC, TRAINER_KEYS),
  latentDim: 'integer',
  hidden: 'number-array',
  activation: 'string',
  outputActivation: 'string',
  dropout: 'number',
  scaler: SCALER_KINDS,
  epochs: 'integer',
  budget: 'object',
  maxSeconds: 'number',
  seed: 'integer',
  model: 'object',
};

/** The entries of `spec` for `keys`. */
function pickSpec(spec: OptionSpec, keys: readonly string[]): OptionSpec {
  return Object.fromEntries(keys.map((key) => [key, spec[key]!]));
}

const RULE_SPEC: OptionSpec = { rule: 'any', contamination: 'number' };

export const DETECTOR_SPEC: OptionSpec = { ...AUTOENCODER_SPEC, ...RULE_SPEC, metric: SCORE_METRICS, family: ['dense', 'vae'] };
export const PCA_DETECTOR_SPEC: OptionSpec = { nComponents: 'integer', scaler: SCALER_KINDS, metric: SCORE_METRICS, ...RULE_SPEC };
export const DENOISER_SPEC: OptionSpec = { ...AUTOENCODER_SPEC, imageShape: 'object' };
export const SERIES_SPEC: OptionSpec = {
  ...AUTOENCODER_SPEC,
  ...RULE_SPEC,
  window: 'number-or-string',
  stride: 'integer',
  pointScore: 'string',
  thresholdUpdate: ['stream', 'fixed'],
  potQuantile: 'number',
  persistence: 'integer',
  cooldown: 'integer',
  holdout: 'number',
  family: ['dense', 'conv1d'],
  conv: 'object',
};

/**
 * The rule object for a rule given in any accepted spelling; undefined when none is given.
 *
 * @example
 * toRule('percentile:99', 'detector options'); // { kind: 'percentile', percentile: 99 }
 */
export function toRule(rule: unknown, where: string): ThresholdRule | undefined {
  if (rule === undefined) return undefined;
  if (typeof rule === 'string') return parseThresholdRule(rule);
  if (typeof rule !== 'object' || rule === null || typeof Reflect.get(rule, 'kind') !== 'string') {
    throw new LatentError(
      `${where}: the threshold rule must be an object such as { kind: 'contamination', fraction: 0.05 } or a string such as 'contamination:0.05'`,
      'use one of: contamination:0.05, percentile:99, std:3, mad:3.5, max or pot:1e-3',
    );
  }
  return rule as ThresholdRule;
}

/**
 * Check `options` against `spec` and fold `contamination` and a string `rule` into a rule
 * object. Giving both `rule` and `contamination` is refused: one of them would be ignored.
 */
export function resolveRuleOptions<T extends RuleOptions>(
  options: T | undefined,
  spec: OptionSpec,
  where: string,
): Omit<T, 'rule' | 'contamination'> & { readonly rule?: ThresholdRule } {
  checkOptions(options, spec, where);
  const { rule, contamination, ...rest } = options ?? ({} as T);
  if (contamination !== undefined && rule !== undefined) {
    throw new LatentError(
      `${where}: both "rule" and "contamination" are given`,
      'give one: contamination: 0.05 is rule: "contamination:0.05"',
    );
  }
  const resolved = contamination !== undefined ? parseThresholdRule(`contamination:${contamination}`) : toRule(rule, where);
  return resolved === undefined ? rest : { ...rest, rule: resolved };
}
