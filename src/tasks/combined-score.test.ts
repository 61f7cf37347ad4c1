import { describe, expect, it } from 'vitest';
import type { Matrix } from '../data/matrix.js';
import { modelFromBytes } from '../io/model-io.js';
import { Rng } from '../tensor/rng.js';
import { combinedScores, fitCombinedStatistics, parseCombinedStatistics } from './combined-score.js';
import { AutoencoderDetector } from './detector.js';
import { rocAuc } from './metrics.js';
import { quantileSorted } from './quantile.js';

/**
 * 400 rows on a 2-D plane in 8-D. Rows 0–11 leave the plane (reconstruction error finds them);
 * rows 12–23 stay on it but sit 6σ out along it (only the code's distance finds them).
 */
function planeRows(): { x: Matrix; offPlane: number[]; farOut: number[] } {
  const rng = new Rng(5);
  const rows = 400;
  const cols = 8;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const far = r >= 12 && r < 24;
    const a = far ? 6 * Math.sign(rng.normal()) : rng.normal();
    const b = rng.normal();
    for (let c = 0; c < cols; c++) {
      const onPlane = c % 2 === 0 ? a + 0.3 * c * b : b - 0.2 * c * a;
      const off = r < 12 ? 3 * rng.normal() : 0;
      data[r * cols + c] = onPlane + off + 0.05 * rng.normal();
    }
  }
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  return { x: { data, rows, cols }, offPlane: range(0, 12), farOut: range(12, 24) };
}

describe('the combined score', () => {
  it('finds rows off the learned plane and rows far out along it', async () => {
    const { x, offPlane, farOut } = planeRows();
    const detector = await new AutoencoderDetector({ latentDim: 2, hidden: [16], epochs: 60, seed: 3 }).fit(x);
    expect(detector.metric).toBe('combined');
    const labelsFor = (rows: number[]): number[] => Array.from({ length: x.rows }, (_, i) => (rows.includes(i) ? 1 : 0));
    const combined = detector.score(x);
    expect(rocAuc(labelsFor(offPlane), combined)).toBeGreaterThan(0.95);
    expect(rocAuc(labelsFor(farOut), combined)).toBeGreaterThan(0.95);
    // Each term is divided by its median over the training rows: typical rows score about 2.
    const median = quantileSorted(Float64Array.from(combined).sort(), 0.5);
    expect(median).toBeGreaterThan(1.5);
    expect(median).toBeLessThan(2.5);
  });

  it('is stored with the threshold and scores the same after a round trip; damaged statistics are refused', async () => {
    const { x } = planeRows();
    const detector = await new AutoencoderDetector({ latentDim: 2, epochs: 5, seed: 1 }).fit(x);
    const loaded = AutoencoderDetector.fromLoaded(modelFromBytes(detector.toBytes(), 'd.safetensors'), 'd.safetensors');
    expect(loaded.metric).toBe('combined');
    expect(Array.from(loaded.score(x))).toEqual(Array.from(detector.score(x)));
    expect(loaded.threshold).toBe(detector.threshold);
    // The same statistics from the library functions directly.
    const stats = fitCombinedStatistics(detector.model, x);
    expect(Array.from(combinedScores(detector.model, x, stats))).toEqual(Array.from(detector.score(x)));
    expect(() => parseCombinedStatistics({ ...stats, codePrecision: [1, 2, 3] }, 'm.safetensors')).toThrow(
      /m\.safetensors: invalid combined-score statistics: codePrecision holds 3 numbers for a 2-dimensional code/,
    );
    expect(() => parseCombinedStatistics({ ...stats, errorMedian: 0 }, 'm.safetensors')).toThrow(
      /errorMedian must be a finite number above 0/,
    );
    expect(() => combinedScores(detector.model, x, { ...stats, featureScale: [1, 2] })).toThrow(/statistics for 2 features/);
  });

  it('a detector built around a trained model fits the statistics on the rows it calibrates on, or on rows given first', async () => {
    const { x } = planeRows();
    const fitted = await new AutoencoderDetector({ latentDim: 2, epochs: 5, seed: 1 }).fit(x);
    const late = AutoencoderDetector.fromModel(fitted.model, 'combined').calibrate(x);
    expect(Array.from(late.score(x))).toEqual(Array.from(combinedScores(fitted.model, x, fitCombinedStatistics(fitted.model, x))));
    const half = Uint32Array.from({ length: 200 }, (_, i) => i);
    const split = AutoencoderDetector.fromModel(fitted.model, 'combined').calibrate(x, undefined, half);
    expect(Array.from(split.score(x))).toEqual(Array.from(late.score(x)));
    expect(() => AutoencoderDetector.fromModel(fitted.model, 'combined').score(x)).toThrow(/the combined score has no statistics yet/);
  });
});
