/**
 * How long an idle worker spins before it sleeps (Atomics.wait), decided by elapsed time rather
 * than a poll count. A sleeping worker wakes tens of microseconds after the caller's notify, and
 * the caller meanwhile runs the job's chunks alone (or waits for the late worker's last chunk),
 * so a worker should stay awake through the short gaps inside a training step: W1 on two threads
 * has about 38 split jobs per step, separated by 5–300 µs of the caller's own work, and a spin of
 * 20,000 polls (some 20 µs) slept about 15 times per step.
 *
 * Spinning costs a core. When another process needs it, a spinning worker is descheduled, and the
 * scheduler then charges it for the time it spun: it may be off the core just when it holds a
 * chunk the caller waits for. The worker notices this as a jump of the clock between two checks
 * of its poll loop (a batch of polls that takes about a microsecond took `preemptedMs` or more)
 * and spins only briefly for the next `backoffMs`, as it always did before.
 *
 * worker-source.ts embeds the text of these functions in the worker, so they read nothing but
 * their parameters (a minifier may rename anything else).
 */

/** The policy's time limits, in milliseconds. */
export interface SpinLimits {
  /** Spin while the machine looks free: longer than the gaps between the jobs of one step. */
  readonly spinMs: number;
  /** Spin after the worker was seen descheduled (about what 20,000 polls took). */
  readonly contendedSpinMs: number;
  /** A clock jump this large between two checks means the worker lost its core. */
  readonly preemptedMs: number;
  /** How long a seen preemption keeps the spin short. */
  readonly backoffMs: number;
}

export const SPIN_LIMITS: SpinLimits = { spinMs: 0.5, contendedSpinMs: 0.02, preemptedMs: 0.5, backoffMs: 1000 };

/** Polls between two clock reads. */
export const POLLS_PER_CHECK = 256;

/** A worker's spin state: when it went idle, its last clock check, and until when spins stay short. */
export interface SpinState {
  idleSince: number;
  lastCheck: number;
  shortUntil: number;
}

/** Start a spin at time `now` (after a job, or after waking from sleep). */
export function startSpin(state: SpinState, now: number): void {
  state.idleSince = now;
  state.lastCheck = now;
}

/**
 * At a clock check during a spin: true when the worker should sleep now. A check that comes
 * `preemptedMs` or more after the previous one marks the machine as contended for `backoffMs`.
 */
export function shouldSleep(state: SpinState, now: number, limits: SpinLimits): boolean {
  if (now - state.lastCheck >= limits.preemptedMs) state.shortUntil = now + limits.backoffMs;
  state.lastCheck = now;
  const budget = now < state.shortUntil ? limits.contendedSpinMs : limits.spinMs;
  return now - state.idleSince >= budget;
}
