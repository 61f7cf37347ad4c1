/**
 * The idle worker's spin policy: a long spin while the machine looks free, a short one for a
 * while after the worker saw itself descheduled, and the same behaviour from the text the worker
 * actually runs (worker-source.ts embeds the functions).
 */

import { describe, expect, it } from 'vitest';
import { POLLS_PER_CHECK, shouldSleep, SPIN_LIMITS, startSpin, type SpinLimits, type SpinState } from './spin-policy.js';
import { SPIN_POLICY_SOURCE } from './worker-source.js';

interface Policy {
  startSpin(state: SpinState, now: number): void;
  shouldSleep(state: SpinState, now: number, limits: SpinLimits): boolean;
}

/** The first clock check (checks every `step` ms from `from`) at which the policy says sleep. */
function sleepsAt(policy: Policy, state: SpinState, from: number, step: number): number {
  policy.startSpin(state, from);
  for (let now = from + step; now < from + 10; now += step) {
    if (policy.shouldSleep(state, now, SPIN_LIMITS)) return now - from;
  }
  return Infinity;
}

const embedded = new Function(
  `${SPIN_POLICY_SOURCE}; return { startSpin, shouldSleep, limits: SPIN_LIMITS, polls: POLLS_PER_CHECK };`,
)() as Policy & {
  limits: SpinLimits;
  polls: number;
};

describe.each([
  ['spin-policy.ts', { startSpin, shouldSleep }],
  ['the worker source', embedded],
] as const)('spin policy from %s', (_, policy) => {
  const step = 0.01;

  it('keeps an idle worker spinning through the gaps of a step, then sleeps', () => {
    const state = { idleSince: 0, lastCheck: 0, shortUntil: 0 };
    const at = sleepsAt(policy, state, 100, step);
    expect(at).toBeGreaterThanOrEqual(SPIN_LIMITS.spinMs);
    expect(at).toBeLessThan(SPIN_LIMITS.spinMs + 2 * step);
  });

  it('spins briefly for a while after the worker lost its core, then long again', () => {
    const state = { idleSince: 0, lastCheck: 0, shortUntil: 0 };
    policy.startSpin(state, 100);
    // A check long after the previous one: the worker was descheduled in between.
    const resumed = 100 + SPIN_LIMITS.preemptedMs + 0.1;
    policy.shouldSleep(state, resumed, SPIN_LIMITS);
    expect(state.shortUntil).toBe(resumed + SPIN_LIMITS.backoffMs);
    const short = sleepsAt(policy, state, resumed + 1, step);
    expect(short).toBeGreaterThanOrEqual(SPIN_LIMITS.contendedSpinMs);
    expect(short).toBeLessThan(SPIN_LIMITS.spinMs);
    // Past the back-off, spins are long again.
    const later = resumed + SPIN_LIMITS.backoffMs + 1;
    expect(sleepsAt(policy, state, later, step)).toBeGreaterThanOrEqual(SPIN_LIMITS.spinMs);
  });
});

describe('worker source', () => {
  it('embeds the same limits and poll interval', () => {
    expect(embedded.limits).toEqual(SPIN_LIMITS);
    expect(embedded.polls).toBe(POLLS_PER_CHECK);
  });
});
