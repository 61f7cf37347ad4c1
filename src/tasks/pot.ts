/**
 * Peaks over threshold (POT) from extreme-value theory, as in SPOT (Siffer et al., "Anomaly
 * Detection in Streams with Extreme Value Theory", KDD 2017): the threshold that a score exceeds
 * with probability `risk`, extrapolated from the tail of the calibration scores.
 *
 * 1. t = the 0.98 empirical quantile of the n scores (the `level` argument: a lower one fits the
 *    tail to more scores); the N_t excesses Y = s − t over it (s > t).
 * 2. Fit a Generalized Pareto Distribution GPD(γ, σ) to Y by maximum likelihood with Grimshaw's
 *    reparametrisation θ = γ/σ: for a given θ the likelihood is maximised by γ(θ) = mean(ln(1 + θY)),
 *    σ = γ/θ, so the fit is a one-dimensional search over θ (done here on a grid over the paper's
 *    bounds, refined by golden-section search, instead of root finding — same optimum, no
 *    convergence failure). θ → 0 is the exponential tail (γ = 0, σ = mean(Y)).
 * 3. z = t + (σ/γ)((q·n/N_t)^(−γ) − 1), or t − σ·ln(q·n/N_t) when γ = 0.
 *
 * Assumes: the calibration scores are (mostly) normal, independent enough, and their tail above
 * the 0.98 quantile is GPD-shaped (true for the tails of most continuous distributions, by the
 * Pickands–Balkema–de Haan theorem). The threshold never assumes a bounded tail: a fitted γ < 0
 * (or fewer than MIN_EXCESSES excesses, too few to estimate the shape) gives way to the
 * exponential tail, γ = 0. A bounded fit from the tens of excesses a short calibration series has
 * puts the threshold just past the largest score seen, so unseen normal data crosses it; γ = 0 is
 * the lightest unbounded tail and errs towards a higher threshold.
 * Invariant: the result is ≥ t, and finite for finite scores.
 */

import { quantileSorted } from './quantile.js';

/** The initial threshold's quantile, as in the SPOT paper. */
export const POT_LEVEL = 0.98;

/** Below this many excesses, γ is fixed at 0 (exponential tail). */
const MIN_EXCESSES = 10;

/** A fitted GPD tail: shape γ, scale σ. */
export interface GpdFit {
  readonly gamma: number;
  readonly sigma: number;
}

/**
 * The POT threshold of ascending `sorted` scores at probability `risk`.
 *
 * @example
 * potThreshold(sortedScores, 1e-3); // exceeded by about 0.1% of fresh normal scores
 */
export function potThreshold(sorted: ArrayLike<number>, risk: number, level: number = POT_LEVEL): number {
  const n = sorted.length;
  const t = quantileSorted(sorted, level);
  const excesses: number[] = [];
  for (let i = 0; i < n; i++) if (sorted[i]! > t) excesses.push(sorted[i]! - t);
  if (excesses.length === 0) return t;
  const ratio = (risk * n) / excesses.length;
  // A risk above the empirical excess rate lies below t: the quantile itself answers it.
  if (ratio >= 1) return quantileSorted(sorted, 1 - risk);
  const fitted = excesses.length < MIN_EXCESSES ? exponentialFit(excesses) : fitGpd(excesses);
  const { gamma, sigma } = fitted.gamma < 0 ? exponentialFit(excesses) : fitted;
  if (sigma === 0) return t;
  const z = Math.abs(gamma) < 1e-9 ? t - sigma * Math.log(ratio) : t + (sigma / gamma) * (ratio ** -gamma - 1);
  return Number.isFinite(z) ? Math.max(z, t) : t;
}

/**
 * Maximum-likelihood GPD fit of positive excesses (Grimshaw's profile over θ = γ/σ).
 *
 * @example
 * fitGpd([0.1, 0.5, 0.2, 1.3]); // { gamma: …, sigma: … }
 */
export function fitGpd(excesses: readonly number[]): GpdFit {
  const n = excesses.length;
  let mean = 0;
  let min = Infinity;
  let max = 0;
  for (const y of excesses) {
    mean += y / n;
    min = Math.min(min, y);
    max = Math.max(max, y);
  }
  let best: { fit: GpdFit; ll: number } = { fit: exponentialFit(excesses), ll: -Infinity };
  best.ll = logLikelihood(excesses, best.fit);
  if (max === 0) return best.fit;
  // θ's bounds from the paper: θ > −1/Ymax (support), θ ≤ 2(Ȳ − Ymin)/Ymin² on the positive side.
  const eps = 1e-8 / max;
  const lower = -1 / max + eps;
  const upper = min > 0 ? (2 * (mean - min)) / (min * min) : 1e6 / mean;
  const profile = (theta: number): number => {
    const fit = thetaFit(excesses, theta);
    return fit === undefined ? -Infinity : logLikelihood(excesses, fit);
  };
  const consider = (theta: number): void => {
    const ll = profile(theta);
    if (ll > best.ll) {
      const fit = thetaFit(excesses, theta);
      if (fit !== undefined) best = { fit, ll };
    }
  };
  // Log-spaced grids towards 0 on both sides (the likelihood varies on a log scale of θ).
  const grid: number[] = [];
  const steps = 60;
  for (let i = 0; i <= steps; i++) {
    const f = 1e-6 ** (i / steps);
    grid.push(lower * f);
    if (upper > 0) grid.push(upper * f);
  }
  grid.sort((a, b) => a - b);
  let bestIndex = -1;
  let bestLl = -Infinity;
  grid.forEach((theta, i) => {
    const ll = profile(theta);
    if (ll > bestLl) {
      bestLl = ll;
      bestIndex = i;
    }
  });
  if (bestIndex >= 0) {
    const a = grid[Math.max(0, bestIndex - 1)]!;
    const b = grid[Math.min(grid.length - 1, bestIndex + 1)]!;
    consider(goldenMax(profile, a, b));
    consider(grid[bestIndex]!);
  }
  return best.fit;
}

function exponentialFit(excesses: readonly number[]): GpdFit {
  let mean = 0;
  for (const y of excesses) mean += y / excesses.length;
  return { gamma: 0, sigma: mean };
}

/** γ and σ that maximise the likelihood for a given θ = γ/σ (undefined where θ leaves the support). */
function thetaFit(excesses: readonly number[], theta: number): GpdFit | undefined {
  if (theta === 0) return exponentialFit(excesses);
  let gamma = 0;
  for (const y of excesses) {
    const v = 1 + theta * y;
    if (!(v > 0)) return undefined;
    gamma += Math.log(v) / excesses.length;
  }
  const sigma = gamma / theta;
  return sigma > 0 && Number.isFinite(sigma) ? { gamma, sigma } : undefined;
}

function logLikelihood(excesses: readonly number[], { gamma, sigma }: GpdFit): number {
  const n = excesses.length;
  if (!(sigma > 0)) return -Infinity;
  if (Math.abs(gamma) < 1e-12) {
    let sum = 0;
    for (const y of excesses) sum += y;
    return -n * Math.log(sigma) - sum / sigma;
  }
  let sum = 0;
  for (const y of excesses) {
    const v = 1 + (gamma / sigma) * y;
    if (!(v > 0)) return -Infinity;
    sum += Math.log(v);
  }
  return -n * Math.log(sigma) - (1 + 1 / gamma) * sum;
}

/** Golden-section search for the maximum of a unimodal `f` on [a, b]. */
function goldenMax(f: (x: number) => number, a: number, b: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let lo = a;
  let hi = b;
  for (let i = 0; i < 60; i++) {
    const x1 = hi - r * (hi - lo);
    const x2 = lo + r * (hi - lo);
    if (f(x1) < f(x2)) lo = x1;
    else hi = x2;
  }
  return (lo + hi) / 2;
}
