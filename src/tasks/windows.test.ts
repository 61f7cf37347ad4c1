import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { pointScores, pointScoresFromErrors, slidingWindows, windowPointErrors, windowStarts } from './windows.js';

/** Series with value 10·t + channel, so every cell says where it came from. */
function series(t: number, channels: number): Matrix {
  const data = new Float32Array(t * channels);
  for (let i = 0; i < t; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = 10 * i + c;
  return { data, rows: t, cols: channels };
}

describe('slidingWindows', () => {
  it('cuts time-major windows with channels inner', () => {
    const { windows, starts } = slidingWindows(series(6, 2), 3, 2);
    // 0, 2 fit; 4 would end at 7 > 6, so the last window is aligned to the end: start 3.
    expect(starts).toEqual([0, 2, 3]);
    expect([windows.rows, windows.cols]).toEqual([3, 6]);
    expect(Array.from(windows.data.subarray(6, 12))).toEqual([20, 21, 30, 31, 40, 41]);
    expect(Array.from(windows.data.subarray(12, 18))).toEqual([30, 31, 40, 41, 50, 51]);
  });

  it('adds no extra window when the stride lands on the end', () => {
    expect(slidingWindows(series(7, 1), 3, 2).starts).toEqual([0, 2, 4]);
    expect(slidingWindows(series(5, 1), 5, 3).starts).toEqual([0]);
    expect(slidingWindows(series(5, 1), 1, 1).starts).toEqual([0, 1, 2, 3, 4]);
  });

  it('covers every point for many shapes', () => {
    for (let t = 1; t <= 30; t++) {
      for (let length = 1; length <= t; length += 3) {
        for (const stride of [1, 2, 5, 40].filter((v) => v <= length).concat(length)) {
          const { starts } = slidingWindows(series(t, 1), length, stride);
          const covered = new Uint8Array(t);
          for (const s of starts) covered.fill(1, s, s + length);
          expect(
            covered.every((v) => v === 1),
            `t=${t} length=${length} stride=${stride}`,
          ).toBe(true);
          expect(starts[starts.length - 1]! + length).toBe(t);
        }
      }
    }
  });

  it('names both numbers when the window is too long or the stride is bad', () => {
    let error: unknown;
    try {
      slidingWindows(series(10, 1), 12, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LatentError);
    expect((error as LatentError).message).toMatch(/window length 12 is longer than the series \(10 time steps\)/);
    expect(() => slidingWindows(series(10, 1), 4, 0)).toThrow(/stride 0 must be a whole number from 1 to the window length 4/);
    expect(() => slidingWindows(series(10, 1), 4, 5)).toThrow(/stride 5 must be a whole number from 1 to the window length 4/);
    expect(() => slidingWindows(series(10, 1), 4, 1.5)).toThrow(LatentError);
    expect(() => slidingWindows(series(10, 1), 0, 1)).toThrow(/window length 0/);
  });
});

describe('pointScores', () => {
  // Windows of length 3 at 0, 2, 3 over 6 points: coverage 0:{w0} 1:{w0} 2:{w0,w1} 3:{w1,w2} 4:{w1,w2} 5:{w2}.
  const starts = [0, 2, 3];
  const scores = [1, 4, 10];

  it('averages the covering windows', () => {
    const mean = pointScores(scores, starts, 3, 6, 'mean');
    const expected = [1, 1, 2.5, 7, 7, 10];
    expected.forEach((v, i) => expect(mean[i]).toBeCloseTo(v, 12));
  });

  it('takes the maximum of the covering windows', () => {
    expect(Array.from(pointScores(scores, starts, 3, 6, 'max'))).toEqual([1, 1, 4, 10, 10, 10]);
  });

  it('takes the minimum of the covering windows', () => {
    expect(Array.from(pointScores(scores, starts, 3, 6, 'min'))).toEqual([1, 1, 1, 4, 4, 10]);
  });

  it('takes the window ending at or latest before each point, the first window before its end', () => {
    // Window ends: w0 at 2, w1 at 4, w2 at 5.
    expect(Array.from(pointScores(scores, starts, 3, 6, 'end'))).toEqual([1, 1, 1, 1, 4, 10]);
  });

  it('keeps a one-point anomaly on its point with min, and spreads it with mean and max', () => {
    // Stride-1 windows of 4 over 12 points; the windows containing point 6 (starts 3…6) score 1.
    const all = windowStarts(12, 4, 1);
    const bad = all.map((s) => (s <= 6 && s + 3 >= 6 ? 1 : 0));
    const high = (mode: 'mean' | 'max' | 'min' | 'end'): number[] =>
      Array.from(pointScores(bad, all, 4, 12, mode)).flatMap((v, p) => (v >= 1 ? [p] : []));
    expect(high('min')).toEqual([6]);
    expect(high('max')).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(high('end')).toEqual([6, 7, 8, 9]);
  });

  it('rejects inconsistent layouts', () => {
    expect(() => pointScores([1, 2], starts, 3, 6)).toThrow(/2 window scores but 3 window starts/);
    expect(() => pointScores(scores, starts, 3, 5)).toThrow(/window 2 starts at 3, so its 3 steps do not fit in a series of 5/);
    expect(() => pointScores([1], [0], 3, 6)).toThrow(/time point 3 is not covered/);
    expect(() => pointScores([1], [0], 3, 6, 'max')).toThrow(/time point 3 is not covered/);
    expect(() => pointScores([NaN], [0], 3, 3)).toThrow(/window 0 is NaN/);
  });
});

describe('per-point errors', () => {
  it('averages each point over the windows covering it', () => {
    const errors = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), rows: 3, cols: 3 };
    // Point 2: window 0 step 2 (3) and window 1 step 0 (4); point 3: w1 step 1 (5), w2 step 0 (7).
    const perPoint = pointScoresFromErrors(errors, [0, 2, 3], 6);
    expect(Array.from(perPoint)).toEqual([1, 2, 3.5, 6, 7, 9]);
  });

  it('computes squared errors per step averaged over channels', () => {
    const { windows, starts } = slidingWindows(series(4, 2), 2, 2);
    const recon = { data: windows.data.map((v, i) => v + (i % 2 === 0 ? 1 : 3)), rows: windows.rows, cols: windows.cols };
    const errors = windowPointErrors(windows, recon, 2, 2);
    expect([errors.rows, errors.cols]).toEqual([2, 2]);
    // (1² + 3²) / 2 = 5 at every step.
    expect(Array.from(errors.data)).toEqual([5, 5, 5, 5]);
    expect(Array.from(pointScoresFromErrors(errors, starts, 4))).toEqual([5, 5, 5, 5]);
    expect(() => windowPointErrors(windows, recon, 4, 2)).toThrow(/not length 4 × 2 channels/);
  });
});

describe('windowStarts', () => {
  it('steps by the stride and adds a last window aligned to the end', () => {
    expect(windowStarts(10, 4, 3)).toEqual([0, 3, 6]);
    expect(windowStarts(11, 4, 3)).toEqual([0, 3, 6, 7]);
    expect(windowStarts(4, 4, 1)).toEqual([0]);
  });
});
