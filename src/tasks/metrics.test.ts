import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { caughtLatentError } from '../test-utils/errors.js';
import { Rng } from '../tensor/rng.js';
import {
  averagePrecision,
  confusion,
  evaluateDetector,
  precisionAtN,
  precisionRecallCurve,
  precisionRecallF1,
  rocAuc,
  rocCurve,
} from './metrics.js';
import { hasNumpy, numpy } from './test-utils/numpy.js';

// Hand-computed values (sklearn semantics, worked by hand below).
describe('rocAuc and averagePrecision', () => {
  it('match the sklearn documentation example', () => {
    // sklearn docs: roc_auc_score → 0.75, average_precision_score → 0.8333…
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    expect(rocAuc(y, s)).toBeCloseTo(0.75, 12);
    expect(averagePrecision(y, s)).toBeCloseTo(5 / 6, 12);
  });

  it('handle ties as sklearn does', () => {
    // Positives score 0.9, 0.5, 0.5; negatives 0.9, 0.5, 0.1.
    // AUC: pairs won + ½ tied = (2.5 + 1.5 + 1.5) / 9 = 5.5 / 9.
    // AP: thresholds 0.9 (P=1/2, R=1/3), 0.5 (P=3/5, R=1), 0.1 (R unchanged):
    //     1/3 · 1/2 + 2/3 · 3/5 = 17/30.
    const y = [1, 0, 1, 0, 1, 0];
    const s = [0.9, 0.9, 0.5, 0.5, 0.5, 0.1];
    expect(rocAuc(y, s)).toBeCloseTo(5.5 / 9, 12);
    expect(averagePrecision(y, s)).toBeCloseTo(17 / 30, 12);
  });

  it('give 0.5 AUC and the base rate AP for a constant score', () => {
    const y = [1, 0, 0, 0];
    const s = [2, 2, 2, 2];
    expect(rocAuc(y, s)).toBe(0.5);
    expect(averagePrecision(y, s)).toBe(0.25);
  });

  it('give 1 for a perfect ranking and 0 AUC for a reversed one', () => {
    expect(rocAuc([0, 0, 1], [1, 2, 3])).toBe(1);
    expect(averagePrecision([0, 0, 1], [1, 2, 3])).toBe(1);
    expect(rocAuc([0, 0, 1], [3, 2, 1])).toBe(0);
    // Reversed: the positive is found last, at precision 1/3.
    expect(averagePrecision([0, 0, 1], [3, 2, 1])).toBeCloseTo(1 / 3, 12);
  });

  it.skipIf(!hasNumpy)('agree with an independent numpy computation on tied random data', () => {
    const rng = new Rng(3);
    const labels = Array.from({ length: 200 }, () => (rng.uniform() < 0.2 ? 1 : 0));
    // Scores rounded to one decimal so that many values tie.
    const scores = labels.map((l) => Math.round((rng.normal() + l) * 10) / 10);
    const ref = numpy(
      `
y = np.array(inp['y']); s = np.array(inp['s'])
pos = s[y == 1]; neg = s[y == 0]
# Mann-Whitney: AUC = P(pos > neg) + 1/2 P(pos == neg)
auc = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))
ap = 0.0; prev_r = 0.0
for t in np.unique(s)[::-1]:
    sel = s >= t
    tp = (y[sel] == 1).sum()
    r = tp / len(pos)
    ap += (r - prev_r) * tp / sel.sum()
    prev_r = r
out = dict(auc=float(auc), ap=float(ap))
`,
      { y: labels, s: scores },
    ) as { auc: number; ap: number };
    expect(rocAuc(labels, scores)).toBeCloseTo(ref.auc, 12);
    expect(averagePrecision(labels, scores)).toBeCloseTo(ref.ap, 12);
  });
});

describe('precisionAtN', () => {
  it('uses the number of anomalies by default', () => {
    expect(precisionAtN([0, 1, 0, 1], [0.1, 0.9, 0.8, 0.2])).toBe(0.5);
    expect(precisionAtN([0, 1, 0, 1], [0.1, 0.9, 0.8, 0.2], 1)).toBe(1);
    expect(precisionAtN([0, 1, 0, 1], [0.1, 0.9, 0.8, 0.2], 4)).toBe(0.5);
  });

  it('shares a tied group across the cut pro rata', () => {
    // n = 3: the 0.9 group (1 anomaly of 2) is taken whole; 1 of the 3 tied at 0.5, of which 2 are
    // anomalies, is taken: (1 + 2/3) / 3.
    const y = [1, 0, 1, 0, 1, 0];
    const s = [0.9, 0.9, 0.5, 0.5, 0.5, 0.1];
    expect(precisionAtN(y, s)).toBeCloseTo(5 / 9, 12);
    // Independent of the input order.
    expect(precisionAtN([0, 1, 0, 1, 1, 0], [0.5, 0.5, 0.9, 0.9, 0.5, 0.1])).toBeCloseTo(5 / 9, 12);
  });

  it('rejects n outside 1..samples', () => {
    expect(() => precisionAtN([0, 1], [1, 2], 0)).toThrow(/n = 0/);
    expect(() => precisionAtN([0, 1], [1, 2], 3)).toThrow(/number of samples \(2\)/);
    expect(() => precisionAtN([0, 1], [1, 2], 1.5)).toThrow(LatentError);
  });
});

describe('confusion, precision, recall, F1', () => {
  it('count each cell', () => {
    expect(confusion([1, 0, 1, 1, 0], [1, 1, 0, 1, 0])).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    const prf = precisionRecallF1([1, 0, 1, 1, 0], [1, 1, 0, 1, 0]);
    expect(prf.precision).toBeCloseTo(2 / 3, 12);
    expect(prf.recall).toBeCloseTo(2 / 3, 12);
    expect(prf.f1).toBeCloseTo(2 / 3, 12);
    const uneven = precisionRecallF1([1, 1, 1, 1, 0], [1, 0, 0, 0, 0]);
    expect(uneven).toEqual({ precision: 1, recall: 0.25, f1: 0.4 });
  });

  it('give 0 where sklearn divides by zero', () => {
    expect(precisionRecallF1([1, 0], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(precisionRecallF1([0, 0], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('evaluateDetector', () => {
  it('reports every metric', () => {
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    const r = evaluateDetector(y, s, [0, 1, 0, 1]);
    expect(r.rocAuc).toBeCloseTo(0.75, 12);
    expect(r.prAuc).toBeCloseTo(5 / 6, 12);
    expect(r.precisionAtN).toBe(0.5);
    expect([r.tp, r.fp, r.tn, r.fn]).toEqual([1, 1, 1, 1]);
    expect([r.precision, r.recall, r.f1]).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('validation', () => {
  it('names a length mismatch', () => {
    const e = caughtLatentError(() => rocAuc([0, 1, 0], [0.1, 0.2]));
    expect(e.message).toMatch(/3 labels but 2 scores/);
    expect(e.hint).toMatch(/one score per labelled sample/);
    expect(() => confusion([0, 1], [1])).toThrow(/2 labels but 1 predictions/);
  });

  it('names a label that is not 0/1', () => {
    const e = caughtLatentError(() => averagePrecision([0, 1, 2], [1, 2, 3]));
    expect(e.message).toMatch(/labels\[2\] is 2/);
    expect(e.hint).toMatch(/anomaly class as 1/);
    expect(() => confusion([0, 1], [0, 0.5])).toThrow(/predictions\[1\] is 0.5/);
  });

  it('names a single-class label set', () => {
    const e = caughtLatentError(() => rocAuc([0, 0, 0], [1, 2, 3]));
    expect(e.message).toMatch(/all 3 labels are normal \(0\)/);
    expect(e.hint).toMatch(/both normal samples and anomalies/);
    expect(() => averagePrecision([1, 1], [1, 2])).toThrow(/anomalous \(1\)/);
    expect(() => evaluateDetector([1, 1], [1, 2], [1, 1])).toThrow(LatentError);
  });

  it('names a non-finite score and empty input', () => {
    expect(() => rocAuc([0, 1], [0.5, NaN])).toThrow(/score 1 is NaN/);
    expect(() => rocAuc([], [])).toThrow(/empty/);
  });
});

describe('rocCurve and precisionRecallCurve', () => {
  const labels = [0, 0, 1, 1, 0, 1, 0, 0, 1, 0];
  const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.05, 0.4, 0.3];

  it('match the sklearn documentation example point for point', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual({ x: [0, 0, 0.5, 0.5, 1], y: [0, 0.5, 0.5, 1, 1] });
  });

  it('enclose the areas rocAuc and averagePrecision report, ties included', () => {
    const roc = rocCurve(labels, scores);
    let trapezoids = 0;
    for (let i = 1; i < roc.x.length; i++) trapezoids += ((roc.x[i]! - roc.x[i - 1]!) * (roc.y[i]! + roc.y[i - 1]!)) / 2;
    expect(trapezoids).toBeCloseTo(rocAuc(labels, scores), 12);
    const pr = precisionRecallCurve(labels, scores);
    let steps = 0;
    for (let i = 1; i < pr.x.length; i += 2) steps += (pr.x[i]! - pr.x[i - 1]!) * pr.y[i]!;
    expect(steps).toBeCloseTo(averagePrecision(labels, scores), 12);
    expect(pr.x.at(-1)).toBe(1);
  });

  it('refuse labels of one class, as the areas do', () => {
    expect(() => rocCurve([0, 0], [0.1, 0.2])).toThrow(/rocCurve: all 2 labels are normal/);
    expect(() => precisionRecallCurve([1, 1], [0.1, 0.2])).toThrow(/precisionRecallCurve: all 2 labels are anomalous/);
  });
});
