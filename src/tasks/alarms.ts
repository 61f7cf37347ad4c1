/**
 * Alarms from exceedances: how a series scorer turns "this step's score is above the threshold"
 * into the flags a user sees. Two rules, both common in monitoring systems:
 *
 * - persistence P: an alarm needs P consecutive steps above the threshold (the P-th of them is
 *   the one flagged), so a lone noisy step raises nothing. P = 1 flags every exceedance.
 * - cooldown C: after an alarm, the next C steps raise no new alarm, so one event (a run of
 *   exceedances, or a burst of them) gives one alarm instead of a flood. C = 0 keeps them all.
 *
 * Both only thin the exceedances out: every flag is an exceedance, and the first alarm of an
 * event comes at most P − 1 steps after its first exceedance. The threshold itself (streaming or
 * fixed) learns from the exceedances, not from the alarms, so grouping never moves it.
 * Invariant: `alarms(e, { persistence: 1, cooldown: 0 })` equals `e`.
 */

import { LatentError } from '../errors.js';

/** How exceedances become alarms. */
export interface AlarmRule {
  /** Consecutive steps above the threshold an alarm needs (≥ 1). */
  readonly persistence: number;
  /** Steps after an alarm that raise no new alarm (≥ 0). */
  readonly cooldown: number;
}

/** Every exceedance is an alarm: the rule of model files written before alarm grouping. */
export const EVERY_EXCEEDANCE: AlarmRule = { persistence: 1, cooldown: 0 };

/**
 * The alarms (0/1) of 0/1 `exceedances` under `rule`.
 *
 * @example
 * alarms(Uint8Array.of(0, 1, 1, 1, 0, 1, 1), { persistence: 2, cooldown: 3 }); // 0 0 1 0 0 0 1
 */
export function alarms(exceedances: Uint8Array, rule: AlarmRule): Uint8Array {
  checkAlarmRule(rule);
  const { persistence, cooldown } = rule;
  if (persistence === 1 && cooldown === 0) return exceedances.slice();
  const out = new Uint8Array(exceedances.length);
  let run = 0;
  let last = -Infinity;
  for (let i = 0; i < exceedances.length; i++) {
    run = exceedances[i] === 1 ? run + 1 : 0;
    if (run >= persistence && i - last > cooldown) {
      out[i] = 1;
      last = i;
    }
  }
  return out;
}

/** Throws a clear error for a persistence below 1 or a negative cooldown (both whole numbers). */
export function checkAlarmRule(rule: AlarmRule, where = 'alarm rule'): void {
  const { persistence, cooldown } = rule;
  if (!Number.isInteger(persistence) || persistence < 1) {
    throw new LatentError(
      `${where}: persistence ${persistence} must be a whole number ≥ 1`,
      'use 1 to flag every step above the threshold, or e.g. 2 to need two steps in a row',
    );
  }
  if (!Number.isInteger(cooldown) || cooldown < 0) {
    throw new LatentError(
      `${where}: cooldown ${cooldown} must be a whole number of steps ≥ 0`,
      'use 0 to keep every alarm, or e.g. the window length to raise one alarm per event',
    );
  }
}
