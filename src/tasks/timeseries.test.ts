import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../backend/registry.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import { parseCsv } from '../data/csv.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/node-loaders.js';
import { modelFromBytes } from '../io/model-io.js';
import { Rng } from '../tensor/rng.js';
import { streamingTail, tailThreshold } from './streaming-pot.js';
import { computeThreshold, formatThresholdRule } from './threshold.js';
import { potThreshold } from './pot.js';
import {
  anomalyRanges,
  DEFAULT_COOLDOWN_WINDOWS,
  DEFAULT_PERSISTENCE,
  DEFAULT_POINT_SCORE,
  DEFAULT_POT_QUANTILE,
  DEFAULT_SERIES_RULE,
  SeriesScorer,
  timestampNote,
  type SeriesScores,
} from './timeseries.js';

const NAB = resolve(process.cwd(), '../shared/data/nab');
const defaultRisk = DEFAULT_SERIES_RULE.kind === 'pot' ? DEFAULT_SERIES_RULE.risk : Number.NaN;
const JUMPSUP = 'artificialWithAnomaly/art_daily_jumpsup.csv';

/** Labelled windows of a NAB file as [start, end] in ms (the times are UTC without a zone). */
function labelledWindows(file: string): [number, number][] {
  const all = JSON.parse(readFileSync(resolve(NAB, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
  return all[file]!.map(([a, b]) => [Date.parse(`${a.replace(' ', 'T')}Z`), Date.parse(`${b.replace(' ', 'T')}Z`)]);
}

describe('SeriesScorer on NAB (train on a clean daily pattern, score the one with a jump)', () => {
  let scorer: SeriesScorer;
  let scores: SeriesScores;
  let test: Dataset;

  beforeAll(async () => {
    const train = loadDataset(resolve(NAB, 'artificialNoAnomaly/art_daily_small_noise.csv'), { timestampColumn: 'timestamp' });
    test = loadDataset(resolve(NAB, JUMPSUP), { timestampColumn: 'timestamp' });
    // The default budget, capped at the 3,000 steps that already fit this smooth series closely.
    scorer = await new SeriesScorer({ window: 64, budget: { maxSteps: 3000 } }).fit(train);
    scores = scorer.score(test);
  });

  it('flags only points inside the labelled anomaly window, and some of them', () => {
    const [[start, end]] = labelledWindows(JUMPSUP) as [[number, number]];
    const flagged = [...scores.flags.keys()].filter((i) => scores.flags[i] === 1);
    expect(flagged.length).toBeGreaterThan(0);
    for (const i of flagged) {
      expect(scores.timestamps![i]).toBeGreaterThanOrEqual(start);
      expect(scores.timestamps![i]).toBeLessThanOrEqual(end);
    }
    // The jump starts at 2014-04-11 09:00 (row 2988): a point next to it is flagged.
    expect(scores.timestamps![2988]).toBe(Date.parse('2014-04-11T09:00:00Z'));
    expect(flagged.some((i) => Math.abs(i - 2988) <= 8)).toBe(true);
    const ranges = anomalyRanges(scores);
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.reduce((n, r) => n + r.end - r.start + 1, 0)).toBe(flagged.length);
  });

  it('sets the threshold with the default rule on the point scores of the held-out last 20%', () => {
    expect(scorer.rule).toEqual(DEFAULT_SERIES_RULE);
    expect(scorer.trainingScores!.length).toBe(Math.ceil(0.2 * 4032));
    expect(scorer.thresholdUpdate).toBe('stream');
    expect(scorer.threshold).toBe(tailThreshold(streamingTail(scorer.trainingScores!, defaultRisk)));
    // Scores of unseen data sit above in-sample ones: the held-out threshold is above the in-sample maximum.
    expect(scorer.threshold).toBeGreaterThan(Math.max(...scorer.trainingScores!));
    expect(scores.pointScores.length).toBe(4032);
    expect(scores.windowScores.length).toBe(4032 - 64 + 1);
    expect(scores.starts[0]).toBe(0);
  });

  it('stores window, stride, channels and threshold with the model', () => {
    const loaded = modelFromBytes(scorer.toBytes(), 'nab.safetensors');
    expect(loaded.extra['series']).toMatchObject({
      window: 64,
      stride: 1,
      channels: 1,
      columns: ['value'],
      pointScore: DEFAULT_POINT_SCORE,
      rule: formatThresholdRule(DEFAULT_SERIES_RULE),
      threshold: scorer.threshold,
      thresholdUpdate: 'stream',
      tail: streamingTail(scorer.trainingScores!, defaultRisk),
    });
    const back = SeriesScorer.fromLoaded(loaded, 'nab.safetensors');
    expect([back.window, back.stride, back.channels]).toEqual([64, 1, 1]);
    expect(Array.from(back.score(test).flags)).toEqual(Array.from(scores.flags));
  });
});

describe('SeriesScorer with a conv1d model on NAB (same exercise)', () => {
  const original = getBackend();
  let scorer: SeriesScorer;
  let scores: SeriesScores;
  let test: Dataset;

  beforeAll(async () => {
    // The conv stack costs about 8× the dense model per window: the wasm backend keeps this quick.
    setBackend(await createWasmBackend({ threads: 2 }));
    const train = loadDataset(resolve(NAB, 'artificialNoAnomaly/art_daily_small_noise.csv'), { timestampColumn: 'timestamp' });
    test = loadDataset(resolve(NAB, JUMPSUP), { timestampColumn: 'timestamp' });
    scorer = await new SeriesScorer({ window: 64, family: 'conv1d', epochs: 8 }).fit(train);
    scores = scorer.score(test);
  });
  afterAll(() => setBackend(original));

  it('builds the default conv1d stack over the window', () => {
    expect(scorer.model.config).toMatchObject({ kind: 'conv1d', channels: 1, length: 64, convChannels: [16, 32], kernel: 5, stride: 2 });
  });

  it('flags only points inside the labelled anomaly window, including the jump', () => {
    const [[start, end]] = labelledWindows(JUMPSUP) as [[number, number]];
    const flagged = [...scores.flags.keys()].filter((i) => scores.flags[i] === 1);
    expect(flagged.length).toBeGreaterThan(0);
    for (const i of flagged) {
      expect(scores.timestamps![i]).toBeGreaterThanOrEqual(start);
      expect(scores.timestamps![i]).toBeLessThanOrEqual(end);
    }
    expect(flagged.some((i) => Math.abs(i - 2988) <= 8)).toBe(true);
  });

  it('saves and loads as a conv1d series model that scores the same', () => {
    const loaded = modelFromBytes(scorer.toBytes(), 'nab-conv.safetensors');
    expect(loaded.model.config.kind).toBe('conv1d');
    const back = SeriesScorer.fromLoaded(loaded, 'nab-conv.safetensors');
    expect(back.threshold).toBe(scorer.threshold);
    expect(Array.from(back.score(test).flags)).toEqual(Array.from(scores.flags));
  });
});

describe('SeriesScorer', () => {
  /** Two channels on very different scales with a shared period of 20 steps. */
  function twoChannels(steps: number, seed: number): Dataset {
    const rng = new Rng(seed);
    const data = new Float32Array(steps * 2);
    for (let t = 0; t < steps; t++) {
      data[2 * t] = Math.sin((2 * Math.PI * t) / 20) + 0.05 * rng.normal();
      data[2 * t + 1] = 1000 + 300 * Math.cos((2 * Math.PI * t) / 20) + 15 * rng.normal();
    }
    return {
      x: { data, rows: steps, cols: 2 },
      columns: ['a', 'b'],
      source: 'two.csv',
      timestamps: Array.from({ length: steps }, (_, t) => t * 60_000),
    };
  }

  it("takes the training series' period as the window with window 'auto'", async () => {
    const scorer = await new SeriesScorer({ window: 'auto', epochs: 1 }).fit(twoChannels(600, 3));
    expect(scorer.window).toBe(20);
    expect(scorer.model.inputDim).toBe(40);
  });

  it('calibrates on the training scores themselves with holdout 0', async () => {
    const train = twoChannels(300, 5);
    const scorer = await new SeriesScorer({ window: 20, epochs: 2, rule: { kind: 'max' }, holdout: 0 }).fit(train);
    expect(scorer.trainingScores!.length).toBe(300);
    expect(scorer.score(train).flags.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('scales each channel on the training series and finds a spike in the large-scale channel', async () => {
    const train = twoChannels(600, 1);
    // In-sample max rule over window means, so the score ratios below read in training-score units.
    const scorer = await new SeriesScorer({ window: 20, stride: 2, epochs: 60, pointScore: 'mean', rule: { kind: 'max' }, holdout: 0 }).fit(
      train,
    );
    expect(scorer.threshold).toBe(Math.max(...scorer.trainingScores!));
    expect(scorer.trainingScores!.length).toBe(600);
    const scaler = scorer.model.scaler!;
    expect(scaler.offset.length).toBe(40);
    // Offsets repeat per channel over the window: channel means of the training series.
    expect(scaler.offset[0]).toBeCloseTo(scaler.offset[2]!, 12);
    expect(scaler.offset[1]).toBeGreaterThan(990);
    expect(scaler.offset[1]).toBeLessThan(1010);
    const test = twoChannels(200, 2);
    const data = Float32Array.from(test.x.data);
    data[2 * 100 + 1] += 1500; // channel b, step 100
    const result = scorer.score({ ...test, x: { ...test.x, data } });
    const clean = scorer.score(test);
    // Fresh normal data scores about as high as the training data (the threshold); the spike far above.
    expect(Math.max(...clean.pointScores)).toBeLessThan(3 * result.threshold);
    expect(result.pointScores[100]).toBeGreaterThan(20 * result.threshold);
    expect(result.exceedances[100]).toBe(1);
    const peak = result.pointScores.indexOf(Math.max(...result.pointScores));
    expect(Math.abs(peak - 100)).toBeLessThan(20);
    expect(result.starts.at(-1)).toBe(180);
  });

  it('conv1d: reads windows channel-major, scaling each channel, and finds the spike', async () => {
    const train = twoChannels(600, 1);
    const conv = { convChannels: [8, 8], kernel: 3 };
    const scorer = await new SeriesScorer({
      window: 20,
      stride: 2,
      family: 'conv1d',
      conv,
      latentDim: 6,
      epochs: 40,
      pointScore: 'mean',
      rule: { kind: 'max' },
      holdout: 0,
    }).fit(train);
    expect(scorer.model.config).toMatchObject({ kind: 'conv1d', channels: 2, length: 20, convChannels: [8, 8], kernel: 3, stride: 2 });
    const offset = scorer.model.scaler!.offset;
    // Channel-major: the first 20 offsets are channel a's mean, the next 20 channel b's.
    expect(Math.abs(offset[0]!)).toBeLessThan(0.1);
    expect(offset[19]).toBe(offset[0]);
    expect(offset[20]).toBeGreaterThan(990);
    expect(offset[39]).toBe(offset[20]);
    const test = twoChannels(200, 2);
    const data = Float32Array.from(test.x.data);
    data[2 * 100 + 1] += 1500;
    const result = scorer.score({ ...test, x: { ...test.x, data } });
    expect(result.pointScores[100]).toBeGreaterThan(3 * result.threshold);
    expect(result.exceedances[100]).toBe(1);
    const loaded = modelFromBytes(scorer.toBytes(), 'two.safetensors');
    expect(Array.from(SeriesScorer.fromLoaded(loaded, 'two.safetensors').score(test).pointScores)).toEqual(
      Array.from(scorer.score(test).pointScores),
    );
  });

  it('conv1d: refuses a window too short for the convolutions, naming the shortest that fits', async () => {
    await expect(new SeriesScorer({ window: 8, family: 'conv1d', conv: { kernel: 5 } }).fit(twoChannels(60, 9))).rejects.toThrow(
      /windows of 8 steps: convolution 2 of 2 \(kernel 5, conv stride 2\) would see fewer than 5 steps; this stack needs windows of at least 9 steps/,
    );
    expect(() => new SeriesScorer({ window: 10, family: 'lstm' as 'dense' })).toThrow(/option "family" must be one of "dense", "conv1d"/);
  });

  it('rejects a window longer than the series, other channel counts, a bad held-out share; accepts unsorted times with a note', async () => {
    const short = twoChannels(30, 3);
    await expect(new SeriesScorer({ window: 64 }).fit(short)).rejects.toThrow(
      /the window length 64 is longer than the series \(30 time steps\)/,
    );
    const scorer = await new SeriesScorer({ window: 10, epochs: 2 }).fit(twoChannels(100, 4));
    expect(() => scorer.score(twoChannels(8, 5))).toThrow(/the window length 10 is longer than the series \(8 time steps\)/);
    const shuffled = twoChannels(50, 6);
    const times = [...shuffled.timestamps!];
    [times[20], times[21]] = [times[21]!, times[20]!];
    const swapped = { ...shuffled, timestamps: times };
    expect(scorer.score(swapped).pointScores.length).toBe(50);
    expect(timestampNote(swapped)).toMatch(/^two.csv: 1 timestamp earlier than the row before \(first at data row 21, /);
    await expect(new SeriesScorer({ window: 10, holdout: 1 }).fit(twoChannels(100, 4))).rejects.toThrow(
      /held-out share 1 .* outside \[0, 1\)/,
    );
    await expect(new SeriesScorer({ window: 90 }).fit(twoChannels(100, 4))).rejects.toThrow(
      /holding out the last 20% of the 100 training steps leaves 80, fewer than the window of 90 steps/,
    );
    const one = { data: new Float32Array(50), rows: 50, cols: 1 };
    expect(() => scorer.score(one)).toThrow(/the series has 1 channel\(s\), the scorer was trained on 2/);
    await expect(new SeriesScorer({ window: 10, pointScore: 'median' as 'mean' }).fit(twoChannels(50, 7))).rejects.toThrow(
      /unknown point score "median"/,
    );
    expect(() => new SeriesScorer().score(one)).toThrow(/not fitted yet/);
  });

  it('reports a timestamp column that does not parse, naming the row', () => {
    const text = 'timestamp,value\n2014-04-01 00:00:00,1.5\nyesterday noon,2.5\n';
    expect(() => parseCsv(text, { timestampColumn: 'timestamp' }, 'series.csv')).toThrow(/series.csv.*(row|line) 3/);
  });

  it('streams the threshold with a pot rule; a fixed update, another rule, or an older file keeps it fixed', async () => {
    const train = twoChannels(300, 5);
    const stream = await new SeriesScorer({ window: 10, epochs: 2 }).fit(train);
    const fixed = await new SeriesScorer({ window: 10, epochs: 2, thresholdUpdate: 'fixed' }).fit(train);
    // The same pattern with more noise: scores above the calibration tail, mostly below its threshold.
    const louder = twoChannels(300, 6);
    const noise = new Rng(3);
    for (let i = 0; i < louder.x.data.length; i++) louder.x.data[i] = louder.x.data[i]! + (i % 2 === 0 ? 0.1 : 30) * noise.normal();
    const streamed = stream.score(louder);
    expect(streamed.thresholds!.length).toBe(300);
    expect(streamed.thresholds![299]).toBeGreaterThan(streamed.threshold);
    expect(fixed.thresholdUpdate).toBe('fixed');
    expect(fixed.score(louder).thresholds).toBeUndefined();
    expect(fixed.threshold).toBe(computeThreshold(DEFAULT_SERIES_RULE, fixed.trainingScores!));
    // A file written before streaming thresholds: no update field, no tail.
    const { thresholdUpdate: _u, tail: _t, ...older } = stream.seriesExtra()['series'] as Record<string, unknown>;
    const old = SeriesScorer.fromExtra(stream.model, { series: { ...older, threshold: fixed.threshold } }, 'old.safetensors');
    expect(old.thresholdUpdate).toBe('fixed');
    expect(Array.from(old.score(louder).flags)).toEqual(Array.from(fixed.score(louder).flags));
    const max = await new SeriesScorer({ window: 10, epochs: 1, rule: { kind: 'max' } }).fit(train);
    expect(max.thresholdUpdate).toBe('fixed');
    await expect(new SeriesScorer({ window: 10, rule: { kind: 'max' }, thresholdUpdate: 'stream' }).fit(train)).rejects.toThrow(
      /only the pot rule models/,
    );
    // Recalibrating with another rule fixes the threshold.
    expect(stream.calibrate(train, { kind: 'mad', k: 5 }).thresholdUpdate).toBe('fixed');
  });

  it('rejects broken stored settings', async () => {
    const scorer = await new SeriesScorer({ window: 10, epochs: 1 }).fit(twoChannels(60, 8));
    const extra = scorer.seriesExtra();
    expect(() => SeriesScorer.fromExtra(scorer.model, {}, 'm.safetensors')).toThrow(
      /m.safetensors: the model file holds no time-series settings/,
    );
    const wrongWindow = { series: { ...(extra['series'] as object), window: 12 } };
    expect(() => SeriesScorer.fromExtra(scorer.model, wrongWindow, 'm.safetensors')).toThrow(
      /windows of 12 steps × 2 channels do not match the model's 20 inputs/,
    );
    const noColumns = { series: { ...(extra['series'] as object), columns: 'a,b' } };
    expect(() => SeriesScorer.fromExtra(scorer.model, noColumns, 'm.safetensors')).toThrow(/columns must be a list of names/);
    const noTail = { series: { ...(extra['series'] as object), tail: undefined } };
    expect(() => SeriesScorer.fromExtra(scorer.model, noTail, 'm.safetensors')).toThrow(/invalid streaming threshold state/);
    const badUpdate = { series: { ...(extra['series'] as object), thresholdUpdate: 'sometimes' } };
    expect(() => SeriesScorer.fromExtra(scorer.model, badUpdate, 'm.safetensors')).toThrow(/thresholdUpdate must be one of/);
  });

  it('turns exceedances into alarms by persistence and cooldown, stored with the model; older files flag every exceedance', async () => {
    const train = twoChannels(300, 5);
    // A low threshold, so the noisy series below exceeds it often.
    const options = { window: 10, epochs: 2, rule: 'contamination:0.2', thresholdUpdate: 'fixed' } as const;
    const every = await new SeriesScorer({ ...options, persistence: 1, cooldown: 0 }).fit(train);
    const grouped = await new SeriesScorer({ ...options, persistence: 2, cooldown: 15 }).fit(train);
    expect(grouped.persistence).toBe(2);
    expect(grouped.cooldown).toBe(15);
    const louder = twoChannels(300, 6);
    const noise = new Rng(4);
    for (let i = 0; i < louder.x.data.length; i++) louder.x.data[i] = louder.x.data[i]! + (i % 2 === 0 ? 0.2 : 60) * noise.normal();
    const all = every.score(louder);
    expect(Array.from(all.flags)).toEqual(Array.from(all.exceedances));
    const some = grouped.score(louder);
    const count = (f: Uint8Array): number => f.reduce((a, b) => a + b, 0);
    expect(count(some.flags)).toBeGreaterThan(0);
    expect(count(some.flags)).toBeLessThan(count(some.exceedances));
    const at = [...some.flags.keys()].filter((i) => some.flags[i] === 1);
    for (const [k, i] of at.entries()) {
      // Each alarm completes two exceedances in a row and comes more than 15 steps after the one before.
      expect(some.exceedances[i - 1]! + some.exceedances[i]!).toBe(2);
      if (k > 0) expect(i - at[k - 1]!).toBeGreaterThan(15);
    }
    // Stored and restored.
    const stored = grouped.seriesExtra()['series'] as Record<string, unknown>;
    expect(stored).toMatchObject({ persistence: 2, cooldown: 15 });
    const restored = SeriesScorer.fromExtra(grouped.model, grouped.seriesExtra(), 'm.safetensors');
    expect(Array.from(restored.score(louder).flags)).toEqual(Array.from(some.flags));
    // A file written before alarm rules: every exceedance is an alarm.
    const { persistence: _p, cooldown: _c, ...older } = stored;
    const old = SeriesScorer.fromExtra(grouped.model, { series: older }, 'old.safetensors');
    expect([old.persistence, old.cooldown]).toEqual([1, 0]);
    expect(Array.from(old.score(louder).flags)).toEqual(Array.from(some.exceedances));
    // The default cooldown is counted in windows.
    const byDefault = await new SeriesScorer({ window: 10, epochs: 1 }).fit(train);
    expect(byDefault.cooldown).toBe(DEFAULT_COOLDOWN_WINDOWS * 10);
    expect(byDefault.persistence).toBe(DEFAULT_PERSISTENCE);
    // Bad values, from the options and from a file.
    await expect(new SeriesScorer({ window: 10, persistence: 0 }).fit(train)).rejects.toThrow(/persistence 0 must be a whole number ≥ 1/);
    await expect(new SeriesScorer({ window: 10, cooldown: -2 }).fit(train)).rejects.toThrow(/cooldown -2 must be a whole number/);
    expect(() => SeriesScorer.fromExtra(grouped.model, { series: { ...stored, cooldown: -1 } }, 'm.safetensors')).toThrow(
      /m.safetensors: invalid time-series settings: cooldown must be a whole number ≥ 0/,
    );
  });

  it('fits the pot tail from the quantile it is given, and refuses one outside [0.5, 1)', async () => {
    const train = twoChannels(300, 5);
    const base = { window: 10, epochs: 2, rule: 'pot:1e-3' } as const;
    const q98 = await new SeriesScorer(base).fit(train);
    const q90 = await new SeriesScorer({ ...base, potQuantile: 0.9 }).fit(train);
    expect(q90.threshold).toBe(tailThreshold(streamingTail(q90.trainingScores!, 1e-3, 0.9)));
    expect(q98.threshold).toBe(tailThreshold(streamingTail(q98.trainingScores!, 1e-3, DEFAULT_POT_QUANTILE)));
    const fixed = await new SeriesScorer({ ...base, potQuantile: 0.9, thresholdUpdate: 'fixed' }).fit(train);
    expect(fixed.threshold).toBe(potThreshold(Float64Array.from(fixed.trainingScores!).sort(), 1e-3, 0.9));
    for (const bad of [0.3, 1]) {
      await expect(new SeriesScorer({ ...base, potQuantile: bad }).fit(train)).rejects.toThrow(
        new RegExp(`the pot quantile ${bad} is outside \\[0.5, 1\\)`),
      );
    }
  });
});
