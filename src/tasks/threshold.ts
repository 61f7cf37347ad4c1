/**
 * Threshold rules: how an anomaly detector turns the scores of its (normal) training data into a
 * cut-off. The CLI spelling is `name[:number]`:
 *
 *   contamination:C  the (1 − C) quantile of the training scores, C in (0, 0.5]
 *   percentile:P     the P-th percentile, P in [0, 100]
 *   std:K            mean + K · std (population std, ddof = 0)
 *   mad:K            median + K · 1.4826 · MAD (robust z-score; 1.4826 makes MAD match σ for normal data)
 *   max              the largest training score
 *   pot:RISK         peaks over threshold (extreme-value theory, SPOT): the score exceeded with
 *                    probability RISK, RISK in (0, 0.5), extrapolated from a Generalized Pareto fit
 *                    to the scores above their 0.98 quantile (see pot.ts for the fit and what it
 *                    assumes: mostly normal scores whose upper tail is GPD-shaped)
 *
 * Quantiles interpolate linearly between order statistics, as `numpy.quantile` does by default.
 * Invariant: `parseThresholdRule(formatThresholdRule(r))` equals `r`.
 */

import { LatentError } from '../errors.js';
import { potThreshold } from './pot.js';
import { quantileSorted } from './quantile.js';

export { quantileSorted };

export type ThresholdRule =
  | { readonly kind: 'contamination'; readonly fraction: number }
  | { readonly kind: 'percentile'; readonly percentile: number }
  | { readonly kind: 'std'; readonly k: number }
  | { readonly kind: 'mad'; readonly k: number }
  | { readonly kind: 'max' }
  | { readonly kind: 'pot'; readonly risk: number };

const FORMS = 'contamination:0.05, percentile:99, std:3, mad:3.5, max or pot:1e-3';

/** Scale that makes the median absolute deviation a consistent estimator of σ for normal data. */
const MAD_SCALE = 1.4826;

/**
 * Parses the CLI spelling of a threshold rule.
 *
 * @example
 * parseThresholdRule('contamination:0.05'); // { kind: 'contamination', fraction: 0.05 }
 * parseThresholdRule('max');                // { kind: 'max' }
 */
export function parseThresholdRule(text: string): ThresholdRule {
  const spec = text.trim();
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const arg = colon < 0 ? undefined : spec.slice(colon + 1).trim();
  const fail = (why: string): LatentError => new LatentError(`threshold rule "${text}": ${why}`, `use one of ${FORMS}`);

  if (name === 'max') {
    if (arg !== undefined) throw fail('max takes no number');
    return { kind: 'max' };
  }
  if (name !== 'contamination' && name !== 'percentile' && name !== 'std' && name !== 'mad' && name !== 'pot') {
    throw fail(`unknown rule "${name}"`);
  }
  if (arg === undefined) throw fail(`${name} needs a number after a colon`);
  const value = parseNumber(arg);
  if (value === undefined) throw fail(`"${arg}" is not a number`);
  const rule = makeRule(name, value);
  checkRule(rule, text);
  return rule;
}

/**
 * The CLI spelling of a rule.
 *
 * @example
 * formatThresholdRule({ kind: 'std', k: 3 }); // 'std:3'
 */
export function formatThresholdRule(rule: ThresholdRule): string {
  switch (rule.kind) {
    case 'contamination':
      return `contamination:${rule.fraction}`;
    case 'percentile':
      return `percentile:${rule.percentile}`;
    case 'std':
      return `std:${rule.k}`;
    case 'mad':
      return `mad:${rule.k}`;
    case 'max':
      return 'max';
    case 'pot':
      return `pot:${rule.risk}`;
  }
}

/**
 * The threshold a rule gives for the scores of the training data; samples scoring above it are
 * flagged as anomalies.
 *
 * @example
 * computeThreshold({ kind: 'percentile', percentile: 50 }, [1, 2, 3, 4]); // 2.5
 */
export function computeThreshold(rule: ThresholdRule, trainingScores: ArrayLike<number>): number {
  checkRule(rule, formatThresholdRule(rule));
  const n = trainingScores.length;
  if (n === 0) {
    throw new LatentError(
      `threshold ${formatThresholdRule(rule)}: there are no training scores`,
      'score the training data before computing a threshold',
    );
  }
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = trainingScores[i]!;
    if (!Number.isFinite(s)) {
      throw new LatentError(
        `threshold ${formatThresholdRule(rule)}: training score ${i} is ${s}`,
        'check the model output for NaN (for example a diverged training run)',
      );
    }
    sorted[i] = s;
  }
  sorted.sort();
  switch (rule.kind) {
    case 'contamination':
      return quantileSorted(sorted, 1 - rule.fraction);
    case 'percentile':
      return quantileSorted(sorted, rule.percentile / 100);
    case 'std': {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += sorted[i]!;
      mean /= n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (sorted[i]! - mean) ** 2;
      return mean + rule.k * Math.sqrt(sq / n);
    }
    case 'mad': {
      const median = quantileSorted(sorted, 0.5);
      const deviations = sorted.map((v) => Math.abs(v - median)).sort();
      return median + rule.k * MAD_SCALE * quantileSorted(deviations, 0.5);
    }
    case 'max':
      return sorted[n - 1]!;
    case 'pot':
      return potThreshold(sorted, rule.risk);
  }
}

function makeRule(name: 'contamination' | 'percentile' | 'std' | 'mad' | 'pot', value: number): ThresholdRule {
  switch (name) {
    case 'contamination':
      return { kind: 'contamination', fraction: value };
    case 'percentile':
      return { kind: 'percentile', percentile: value };
    case 'std':
      return { kind: 'std', k: value };
    case 'mad':
      return { kind: 'mad', k: value };
    case 'pot':
      return { kind: 'pot', risk: value };
  }
}

function checkRule(rule: ThresholdRule, text: string): void {
  const fail = (why: string, hint: string): LatentError => new LatentError(`threshold rule "${text}": ${why}`, hint);
  switch (rule.kind) {
    case 'contamination':
      if (!(rule.fraction > 0 && rule.fraction <= 0.5)) {
        throw fail(
          `contamination ${rule.fraction} is outside (0, 0.5]`,
          'give the expected fraction of anomalies, e.g. contamination:0.05 for 5%',
        );
      }
      return;
    case 'percentile':
      if (!(rule.percentile >= 0 && rule.percentile <= 100)) {
        throw fail(`percentile ${rule.percentile} is outside [0, 100]`, 'use e.g. percentile:99');
      }
      return;
    case 'std':
    case 'mad':
      if (!(Number.isFinite(rule.k) && rule.k >= 0)) {
        throw fail(`the multiplier ${rule.k} must be a finite number ≥ 0`, `use e.g. ${rule.kind}:3`);
      }
      return;
    case 'max':
      return;
    case 'pot':
      if (!(rule.risk > 0 && rule.risk < 0.5)) {
        throw fail(
          `risk ${rule.risk} is outside (0, 0.5)`,
          'give the probability that a normal score exceeds the threshold, e.g. pot:1e-3',
        );
      }
      return;
  }
}

/** A plain decimal or scientific number; rejects '', '0x10', 'Infinity' and trailing junk. */
function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}
