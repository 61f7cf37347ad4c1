import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { Rng } from '../tensor/rng.js';
import { parseStreamingTail, streamFlags, streamingTail, tailThreshold } from './streaming-pot.js';

const rng = new Rng(11);
// Exponential(1): the tail the streaming threshold models; its exact (1 − risk) quantile is −ln(risk).
const exponential = (): number => -Math.log(1 - rng.uniform());
const draws = (n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, () => scale * exponential());
const count = (flags: Uint8Array): number => flags.reduce((a, b) => a + b, 0);

describe('streaming peaks over threshold', () => {
  it('flags stationary exponential scores within a small factor of the risk', () => {
    const tail = streamingTail(draws(20_000), 1e-3);
    const { flags } = streamFlags(draws(500_000), tail);
    const rate = count(flags) / flags.length;
    // Flagged scores stay out of the tail, which thins it: about 2.4× the risk here (SPOT's known bias).
    expect(rate).toBeGreaterThan(1e-3);
    expect(rate).toBeLessThan(1e-3 * 3);
  });

  it('starts at the exponential-tail threshold of its calibration scores', () => {
    const tail = streamingTail(draws(50_000), 1e-4);
    // For Exponential(1) the threshold approaches −ln(1e-4) ≈ 9.21.
    expect(tailThreshold(tail)).toBeGreaterThan(8.5);
    expect(tailThreshold(tail)).toBeLessThan(10);
    expect(tailThreshold(tail)).toBeGreaterThanOrEqual(tail.level);
  });

  it('starts the tail at the quantile it is given (the 0.98 one by default)', () => {
    const calibration = draws(50_000);
    const sorted = Float64Array.from(calibration).sort();
    expect(streamingTail(calibration, 1e-4).level).toBeCloseTo(sorted[Math.round(0.98 * (sorted.length - 1))]!, 2);
    const wider = streamingTail(calibration, 1e-4, 0.95);
    expect(wider.level).toBeCloseTo(sorted[Math.round(0.95 * (sorted.length - 1))]!, 2);
    expect(wider.excesses).toBeCloseTo(0.05 * calibration.length, -1);
    // Exponential scores have the same tail from either quantile: the threshold barely moves.
    expect(tailThreshold(wider)).toBeGreaterThan(8.5);
    expect(tailThreshold(wider)).toBeLessThan(10);
  });

  it('follows a series whose scores grow after calibration, where a fixed threshold floods', () => {
    const tail = streamingTail(draws(2_000), 1e-4);
    const louder = draws(50_000, 3);
    const fixed = louder.filter((s) => s > tailThreshold(tail)).length;
    const streamed = streamFlags(louder, tail);
    expect(count(streamed.flags)).toBeLessThan(fixed / 5);
    expect(streamed.thresholds[streamed.thresholds.length - 1]!).toBeGreaterThan(2 * tailThreshold(tail));
  });

  it('lowers the threshold while a series stays quieter than its calibration', () => {
    const tail = streamingTail(draws(2_000), 1e-6);
    const { thresholds, tail: after } = streamFlags(draws(20_000, 0.2), tail);
    expect(thresholds[thresholds.length - 1]!).toBeLessThan(thresholds[0]!);
    expect(after.observed).toBe(22_000);
    expect(after.excesses).toBe(tail.excesses);
  });

  it('keeps flagged scores out of the tail', () => {
    const tail = streamingTail(draws(1_000), 1e-3);
    const spike = new Float64Array([1e6]);
    const { flags, tail: after } = streamFlags(spike, tail);
    expect(flags[0]).toBe(1);
    expect(after).toEqual(tail);
  });

  it('refuses empty calibration and damaged stored states', () => {
    expect(caughtLatentError(() => streamingTail([], 1e-3)).message).toMatch(/needs calibration scores/);
    const good = streamingTail(draws(100), 1e-3);
    expect(parseStreamingTail(JSON.parse(JSON.stringify(good)), 'm.safetensors')).toEqual(good);
    expect(caughtLatentError(() => parseStreamingTail('x', 'm.safetensors')).message).toMatch(
      /m\.safetensors: invalid streaming threshold state/,
    );
    expect(caughtLatentError(() => parseStreamingTail({ ...good, risk: 2 }, 'm.safetensors')).message).toMatch(/risk must lie in/);
    expect(caughtLatentError(() => parseStreamingTail({ ...good, excesses: good.observed + 1 }, 'm.safetensors')).message).toMatch(
      /more excesses/,
    );
    expect(caughtLatentError(() => parseStreamingTail({ ...good, level: null }, 'm.safetensors')).message).toMatch(
      /level must be a finite number/,
    );
  });
});
