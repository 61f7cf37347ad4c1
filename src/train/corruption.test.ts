import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { corrupt, formatCorruption, parseCorruption } from './corruption.js';
import type { Corruption } from './corruption.js';

const N = 100_000;

function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.1 + (0.8 * i) / n);
}

describe('corrupt', () => {
  it('adds gaussian noise with the requested standard deviation', () => {
    const clean = ramp(N);
    const noisy = corrupt(clean, { kind: 'gaussian', sigma: 0.5 }, new Rng(1));
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < N; i++) {
      const d = noisy[i]! - clean[i]!;
      sum += d;
      sq += d * d;
    }
    const mean = sum / N;
    const std = Math.sqrt(sq / N - mean * mean);
    // Standard error of the mean is 0.5/√N ≈ 0.0016; of the std ≈ 0.0011.
    expect(Math.abs(mean)).toBeLessThan(0.008);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.006);
  });

  it('masks about the requested fraction to zero and keeps the rest', () => {
    const clean = ramp(N);
    const noisy = corrupt(clean, { kind: 'mask', fraction: 0.3 }, new Rng(2));
    let masked = 0;
    let changed = 0;
    for (let i = 0; i < N; i++) {
      if (noisy[i] === 0) masked++;
      else if (noisy[i] !== clean[i]) changed++;
    }
    expect(changed).toBe(0);
    // Binomial standard deviation √(N·0.3·0.7)/N ≈ 0.0014.
    expect(Math.abs(masked / N - 0.3)).toBeLessThan(0.007);
  });

  it('sets about the requested fraction to the range ends, half each', () => {
    const clean = ramp(N);
    const noisy = corrupt(clean, { kind: 'saltpepper', fraction: 0.1 }, new Rng(3));
    let low = 0;
    let high = 0;
    let changed = 0;
    for (let i = 0; i < N; i++) {
      if (noisy[i] === 0) low++;
      else if (noisy[i] === 1) high++;
      else if (noisy[i] !== clean[i]) changed++;
    }
    expect(changed).toBe(0);
    expect(Math.abs((low + high) / N - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(low / (low + high) - 0.5)).toBeLessThan(0.03);
    const ranged = corrupt(clean, { kind: 'saltpepper', fraction: 1 }, new Rng(3), [-1, 2]);
    expect(ranged.every((v) => v === -1 || v === 2)).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const clean = ramp(1000);
    const spec: Corruption = { kind: 'gaussian', sigma: 0.2 };
    const a = corrupt(clean, spec, new Rng(7));
    const b = corrupt(clean, spec, new Rng(7));
    const c = corrupt(clean, spec, new Rng(8));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('clips into the range, returns a new array and leaves the input alone', () => {
    const clean = ramp(1000);
    const before = clean.slice();
    const noisy = corrupt(clean, { kind: 'gaussian', sigma: 1 }, new Rng(4), [0, 1]);
    expect(noisy).not.toBe(clean);
    expect(Array.from(clean)).toEqual(Array.from(before));
    expect(noisy.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(noisy.some((v) => v === 0) && noisy.some((v) => v === 1)).toBe(true);
  });

  it('is the identity at zero strength', () => {
    const clean = ramp(100);
    for (const spec of ['gaussian:0', 'mask:0', 'saltpepper:0']) {
      expect(Array.from(corrupt(clean, parseCorruption(spec), new Rng(5)))).toEqual(Array.from(clean));
    }
  });

  it('rejects an empty clip range and out-of-range strengths', () => {
    expect(() => corrupt(ramp(3), { kind: 'mask', fraction: 0.1 }, new Rng(1), [1, 0])).toThrow(/clip range \[1, 0\] is empty/);
    expect(() => corrupt(ramp(3), { kind: 'mask', fraction: 2 }, new Rng(1))).toThrow(/outside \[0, 1\]/);
  });
});

describe('parseCorruption / formatCorruption', () => {
  it('parse every form and round-trip', () => {
    expect(parseCorruption('gaussian:0.5')).toEqual({ kind: 'gaussian', sigma: 0.5 });
    expect(parseCorruption(' Mask : 0.3 ')).toEqual({ kind: 'mask', fraction: 0.3 });
    expect(parseCorruption('saltpepper:0.1')).toEqual({ kind: 'saltpepper', fraction: 0.1 });
    for (const spec of ['gaussian:0.5', 'mask:0.3', 'saltpepper:0.1']) {
      expect(formatCorruption(parseCorruption(spec))).toBe(spec);
    }
  });

  const bad: [string, RegExp][] = [
    ['gaussian', /expected kind:number/],
    ['blur:0.5', /unknown kind "blur"/],
    ['gaussian:x', /"x" is not a number/],
    ['gaussian:-1', /finite number ≥ 0/],
    ['mask:1.5', /outside \[0, 1\]/],
    ['saltpepper:', /"" is not a number/],
  ];
  it.each(bad)('rejects %j and lists the forms', (spec, message) => {
    let error: unknown;
    try {
      parseCorruption(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LatentError);
    expect((error as LatentError).message).toMatch(message);
    expect((error as LatentError).describe()).toMatch(/hint/);
  });

  it('hints with the valid forms', () => {
    try {
      parseCorruption('blur:1');
      expect.unreachable();
    } catch (e) {
      expect((e as LatentError).hint).toBe('use one of gaussian:0.5, mask:0.3 or saltpepper:0.1');
    }
  });
});
