import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { computeThreshold, formatThresholdRule, parseThresholdRule } from './threshold.js';
import type { ThresholdRule } from './threshold.js';
import { Rng } from '../tensor/rng.js';
import { hasNumpy, numpy } from './test-utils/numpy.js';

// 1..10 shuffled: the rules must not depend on the order.
const scores = [7, 3, 10, 1, 5, 9, 2, 8, 6, 4];

describe('computeThreshold', () => {
  // Expected values worked by hand (numpy.quantile's linear method: position q·(n−1)).
  const cases: [string, number][] = [
    ['contamination:0.1', 9.1], // q 0.9 → position 8.1 → 9 + 0.1
    ['contamination:0.5', 5.5],
    ['percentile:99', 9.91], // position 8.91
    ['percentile:50', 5.5],
    ['percentile:0', 1],
    ['percentile:100', 10],
    ['std:3', 5.5 + 3 * Math.sqrt(8.25)], // population variance of 1..10 is 8.25
    ['std:0', 5.5],
    ['mad:3.5', 5.5 + 3.5 * 1.4826 * 2.5], // |x − 5.5| has median 2.5
    ['max', 10],
  ];
  it.each(cases)('%s → %d', (spec, expected) => {
    expect(computeThreshold(parseThresholdRule(spec), scores)).toBeCloseTo(expected, 10);
  });

  it('leaves the training scores untouched and accepts typed arrays', () => {
    const copy = scores.slice();
    computeThreshold({ kind: 'mad', k: 3 }, scores);
    expect(scores).toEqual(copy);
    expect(computeThreshold({ kind: 'max' }, Float32Array.from(scores))).toBe(10);
  });

  it.skipIf(!hasNumpy)('matches numpy on random scores', () => {
    const rng = new Rng(12);
    const xs = Array.from({ length: 257 }, () => Math.exp(rng.normal()));
    const ref = numpy(
      `
s = np.array(inp)
med = np.median(s)
out = [float(np.quantile(s, 0.95)), float(np.percentile(s, 99)), float(s.mean() + 3 * s.std()),
       float(med + 3.5 * 1.4826 * np.median(np.abs(s - med))), float(s.max())]
`,
      xs,
    ) as number[];
    const specs = ['contamination:0.05', 'percentile:99', 'std:3', 'mad:3.5', 'max'];
    specs.forEach((spec, i) => expect(computeThreshold(parseThresholdRule(spec), xs)).toBeCloseTo(ref[i]!, 10));
  });

  it('handles a single score', () => {
    expect(computeThreshold({ kind: 'contamination', fraction: 0.05 }, [2])).toBe(2);
    expect(computeThreshold({ kind: 'std', k: 3 }, [2])).toBe(2);
  });

  it('rejects empty or non-finite scores and out-of-range rules', () => {
    expect(() => computeThreshold({ kind: 'max' }, [])).toThrow(/no training scores/);
    expect(() => computeThreshold({ kind: 'max' }, [1, Infinity])).toThrow(/training score 1 is Infinity/);
    expect(() => computeThreshold({ kind: 'contamination', fraction: 0.7 }, [1])).toThrow(/outside \(0, 0.5\]/);
  });
});

describe('parseThresholdRule / formatThresholdRule', () => {
  it('parse every form', () => {
    expect(parseThresholdRule('contamination:0.05')).toEqual({ kind: 'contamination', fraction: 0.05 });
    expect(parseThresholdRule(' percentile : 99.5 ')).toEqual({ kind: 'percentile', percentile: 99.5 });
    expect(parseThresholdRule('std:3')).toEqual({ kind: 'std', k: 3 });
    expect(parseThresholdRule('MAD:3.5')).toEqual({ kind: 'mad', k: 3.5 });
    expect(parseThresholdRule('max')).toEqual({ kind: 'max' });
    expect(parseThresholdRule('contamination:5e-2')).toEqual({ kind: 'contamination', fraction: 0.05 });
    expect(parseThresholdRule('pot:1e-3')).toEqual({ kind: 'pot', risk: 0.001 });
  });

  it('round-trip', () => {
    const rules: ThresholdRule[] = [
      { kind: 'contamination', fraction: 0.05 },
      { kind: 'percentile', percentile: 99 },
      { kind: 'std', k: 2.5 },
      { kind: 'mad', k: 3.5 },
      { kind: 'max' },
      { kind: 'pot', risk: 1e-3 },
      { kind: 'pot', risk: 1e-7 },
    ];
    for (const rule of rules) expect(parseThresholdRule(formatThresholdRule(rule))).toEqual(rule);
    expect(formatThresholdRule({ kind: 'contamination', fraction: 0.05 })).toBe('contamination:0.05');
  });

  const bad: [string, RegExp][] = [
    ['quantile:0.9', /unknown rule "quantile"/],
    ['std', /std needs a number/],
    ['std:', /"" is not a number/],
    ['std:abc', /"abc" is not a number/],
    ['std:3x', /"3x" is not a number/],
    ['max:2', /max takes no number/],
    ['contamination:0', /outside \(0, 0.5\]/],
    ['contamination:0.6', /outside \(0, 0.5\]/],
    ['percentile:101', /outside \[0, 100\]/],
    ['mad:-1', /must be a finite number ≥ 0/],
    ['pot', /pot needs a number/],
    ['pot:0', /risk 0 is outside \(0, 0.5\)/],
    ['pot:0.5', /risk 0.5 is outside \(0, 0.5\)/],
    ['', /unknown rule ""/],
  ];
  it.each(bad)('rejects %j', (spec, message) => {
    let error: unknown;
    try {
      parseThresholdRule(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LatentError);
    expect((error as LatentError).message).toMatch(message);
    expect((error as LatentError).hint).toBeDefined();
  });

  it('lists the valid forms for an unknown name', () => {
    expect(() => parseThresholdRule('foo:1')).toThrow(LatentError);
    try {
      parseThresholdRule('foo:1');
    } catch (e) {
      expect((e as LatentError).hint).toBe('use one of contamination:0.05, percentile:99, std:3, mad:3.5, max or pot:1e-3');
    }
  });
});
