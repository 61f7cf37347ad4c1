/**
 * The anomaly view's threshold rule, as the page offers it: one of the library's rules (see
 * src/tasks/threshold.ts) with its parameter. Parsing and the threshold itself are the library's
 * (`parseThresholdRule`, `computeThreshold`), so the page flags exactly what `latent score
 * --threshold-rule` would on the same scores.
 *
 * Invariant: the threshold is placed on training rows' scores; a sample is flagged when its score
 * is strictly above it (the library's rule).
 */

import { isLatentError, LatentError } from '../../src/errors.js';
import { formatNumber } from '../../src/report/index.js';
import { flagAbove } from '../../src/tasks/detector-common.js';
import { computeThreshold, parseThresholdRule, type ThresholdRule } from '../../src/tasks/threshold.js';

export const RULE_KINDS = ['contamination', 'percentile', 'std', 'mad', 'max', 'pot'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The parameter of each rule as the page asks for it, or null (max takes none). */
export interface RuleParameter {
  readonly label: string;
  readonly initial: string;
  readonly min: number;
  readonly max: number | null;
  readonly step: number;
  /** How to fix a refused value, in the page's words. */
  readonly hint: string;
}

export const RULE_PARAMETERS: Readonly<Record<RuleKind, RuleParameter | null>> = {
  contamination: {
    label: 'expected share',
    initial: '0.05',
    min: 0.001,
    max: 0.5,
    step: 0.01,
    hint: 'enter the share of samples you expect to be anomalies, above 0 and at most 0.5 (0.05 is 5%)',
  },
  percentile: { label: 'percentile', initial: '99', min: 0, max: 100, step: 0.5, hint: 'enter a percentile from 0 to 100, such as 99' },
  std: { label: 'k (std)', initial: '3', min: 0, max: null, step: 0.5, hint: 'enter a multiplier of 0 or more, such as 3' },
  mad: { label: 'k (MAD)', initial: '3.5', min: 0, max: null, step: 0.5, hint: 'enter a multiplier of 0 or more, such as 3.5' },
  max: null,
  pot: {
    label: 'risk',
    initial: '0.001',
    min: 0.000001,
    max: 0.499,
    step: 0.001,
    hint: 'enter the chance that a normal sample scores above the threshold, above 0 and below 0.5, such as 0.001',
  },
};

/** The rule the page starts with: 5% of the training rows above the threshold. */
export const INITIAL_RULE: ThresholdRule = { kind: 'contamination', fraction: 0.05 };

/**
 * The rule chosen by the select's value and the parameter's text; a bad parameter throws a
 * LatentError naming the parameter as the page labels it, the accepted range (the library's rule
 * decides it) and what to enter.
 *
 * @example
 * ruleFromControls('std', '2.5'); // { kind: 'std', k: 2.5 }
 */
export function ruleFromControls(kind: string, parameter: string): ThresholdRule {
  const found = RULE_KINDS.find((k) => k === kind);
  const control = found === undefined ? null : RULE_PARAMETERS[found];
  try {
    return parseThresholdRule(control === null ? kind : `${kind}:${parameter.trim()}`);
  } catch (error) {
    if (!isLatentError(error) || control === null) throw error;
    // The library names the rule in command-line syntax ("contamination:0.9"); the page names the control.
    const why = error.message.replace(/^threshold rule "[^"]*": /, '').replace(/^(contamination|percentile|risk|the multiplier) /, '');
    throw new LatentError(`${control.label}: ${why}`, control.hint);
  }
}

/** A threshold and the shown samples it flags. */
export interface Flagging {
  readonly threshold: number;
  /** 1 for each shown score strictly above the threshold. */
  readonly flags: Uint8Array;
  readonly flagged: number;
}

/**
 * Place `rule`'s threshold on `trainScores` and flag the shown `scores` above it.
 *
 * @example
 * flagScores({ kind: 'max' }, [1, 2], [0.5, 3]).flagged; // 1
 */
export function flagScores(rule: ThresholdRule, trainScores: ArrayLike<number>, scores: ArrayLike<number>): Flagging {
  const threshold = computeThreshold(rule, trainScores);
  const flags = flagAbove(scores, threshold);
  return { threshold, flags, flagged: flags.reduce((sum, flag) => sum + flag, 0) };
}

/**
 * A rule in words, as the summary line reads it: "the 95th percentile", "mean + 3·std", ...
 *
 * @example
 * describeRule({ kind: 'mad', k: 3.5 }); // 'median + 3.5·1.4826·MAD'
 */
export function describeRule(rule: ThresholdRule): string {
  switch (rule.kind) {
    case 'contamination':
      return `the ${formatNumber(100 * (1 - rule.fraction), 4)}th percentile (contamination ${formatNumber(rule.fraction, 4)})`;
    case 'percentile':
      return `the ${formatNumber(rule.percentile, 4)}th percentile`;
    case 'std':
      return `mean + ${formatNumber(rule.k, 4)}·std`;
    case 'mad':
      return `median + ${formatNumber(rule.k, 4)}·1.4826·MAD`;
    case 'max':
      return 'the maximum';
    case 'pot':
      return `peaks over threshold at risk ${formatNumber(rule.risk, 4)}`;
  }
}
