/**
 * The NAB exercise of the README through the command line: train a series scorer on the clean
 * daily pattern (`latent train ... --window 288`, one day of 5-minute steps), score the series
 * with the jump (`latent score`), and check that every flagged time step lies inside the
 * labelled anomaly window and that the clean series itself is not flagged.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../io/model-node.js';
import { formatThresholdRule } from '../../tasks/threshold.js';
import {
  DEFAULT_COOLDOWN_WINDOWS,
  DEFAULT_PERSISTENCE,
  DEFAULT_POINT_SCORE,
  DEFAULT_SERIES_RULE,
  DEFAULT_WINDOW,
} from '../../tasks/timeseries.js';
import { runCli } from '../test-utils/capture.js';

const NAB = resolve(process.cwd(), '../shared/data/nab');
const TRAIN = resolve(NAB, 'artificialNoAnomaly/art_daily_small_noise.csv');
const JUMPSUP = 'artificialWithAnomaly/art_daily_jumpsup.csv';

/** The labelled windows of a NAB file, as [start, end] in ms (NAB times are UTC without a zone). */
function labelledWindows(file: string): [number, number][] {
  const all = JSON.parse(readFileSync(resolve(NAB, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
  return all[file]!.map(([a, b]) => [Date.parse(`${a.replace(' ', 'T')}Z`), Date.parse(`${b.replace(' ', 'T')}Z`)]);
}

describe('latent train --window 288 / latent score on NAB', () => {
  let dir: string;
  let model: string;
  let trainOut: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-series-'));
    model = join(dir, 'nab.safetensors');
    // The wasm backend keeps windows of 288 steps quick.
    const run = await runCli('train', TRAIN, '--window', '288', '-o', model, '--backend', 'wasm');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    trainOut = run.stdout;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves window, stride, channels, point score and the held-out threshold in the model file', () => {
    expect(trainOut).toContain(
      '4032 time steps × 1 channel (value), windows of 288 steps every 1, the last 20% held out for the threshold',
    );
    expect(trainOut).toMatch(/^epoch 1\/\d+ {2}loss /m);
    const loaded = loadModel(model);
    const rule = formatThresholdRule(DEFAULT_SERIES_RULE);
    expect(loaded.extra['series']).toMatchObject({
      window: 288,
      stride: 1,
      channels: 1,
      columns: ['value'],
      pointScore: DEFAULT_POINT_SCORE,
      rule,
    });
    expect(loaded.model.inputDim).toBe(288);
    expect(loaded.training?.['options']).toMatchObject({ window: 288, stride: 1, holdout: 0.2, pointScore: DEFAULT_POINT_SCORE });
    expect(trainOut).toContain(
      `saved series model to ${model}: window 288, stride 1, 1 channel, point score ${DEFAULT_POINT_SCORE}, threshold `,
    );
    expect(trainOut).toContain(
      `(rule ${rule} of the point scores of the held-out last 20%; it keeps learning the tail while a series is scored)`,
    );
    expect(loaded.extra['series']).toMatchObject({
      thresholdUpdate: 'stream',
      persistence: DEFAULT_PERSISTENCE,
      cooldown: DEFAULT_COOLDOWN_WINDOWS * 288,
    });
  });

  it('flags only time steps inside the labelled window, and some of them', async () => {
    const out = join(dir, 'scores.csv');
    const run = await runCli('score', model, resolve(NAB, JUMPSUP), '-o', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('timestamp,score,flag');
    expect(lines).toHaveLength(4032);
    expect(lines[0]).toMatch(/^2014-04-01 00:00:00,\d/);
    // Scores are float32 data, as in the .npy output: float32 digits, not float64's 17.
    for (const line of lines) {
      const text = line.split(',')[1]!;
      expect(text.replace(/^0\.0*|\.|e.*$/g, '').length).toBeLessThanOrEqual(9);
    }
    const [[start, end]] = labelledWindows(JUMPSUP) as [[number, number]];
    const flagged = lines.map((l) => l.split(',')).filter((c) => c[2] === '1');
    expect(flagged.length).toBeGreaterThan(0);
    for (const [time] of flagged) {
      const t = Date.parse(`${time!.replace(' ', 'T')}Z`);
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThanOrEqual(end);
    }
    // The printed ranges (`steps a–b  t → u` or, for one step, `step a  t`) cover exactly the flagged steps, inside the window.
    const ranges = [...run.stdout.matchAll(/^ {2}steps? (\d+)(?:–(\d+))? {2}(\S+ \S+)(?: → (\S+ \S+))?/gm)];
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.reduce((n, m) => n + Number(m[2] ?? m[1]) - Number(m[1]) + 1, 0)).toBe(flagged.length);
    expect(run.stdout).toContain(`flagged ${flagged.length} of 4032 time steps`);
    expect(run.stdout).toContain(`stored in ${model}`);
    for (const m of ranges) {
      expect(Date.parse(`${m[3]!.replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(start);
      expect(Date.parse(`${(m[4] ?? m[3])!.replace(' ', 'T')}Z`)).toBeLessThanOrEqual(end);
    }
  });

  it('flags next to nothing on the clean training series itself', async () => {
    const run = await runCli('score', model, TRAIN, '-o', join(dir, 'train-scores.npy'));
    expect(run.code).toBe(0);
    // The tail rule's risk of 1e-4 expects about 0.4 false alarms in 4032 steps; whether a step at
    // the threshold's edge lands above it turns on the last bits of training (which GEMM path the
    // backend takes, for one), so one flagged step is within the rule, a run of them is not.
    const flagged = Number(/flagged (\d+) of 4032 time steps/.exec(run.stdout)?.[1]);
    expect(flagged).toBeLessThanOrEqual(1);
  });

  it('a --threshold-rule recomputes the threshold from the scored series and says so', async () => {
    const run = await runCli('score', model, resolve(NAB, JUMPSUP), '-o', join(dir, 'p99.csv'), '--threshold-rule', 'percentile:99');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(rule percentile:99) computed from the point scores of');
    // 1% of 4032 steps lie above the 99th percentile; the alarm rule raises one alarm per event among them.
    const flagged = Number(/flagged (\d+) of 4032 time steps/.exec(run.stdout)?.[1]);
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(41);
  });
});

describe('latent train on a series without a window number', () => {
  let dir: string;
  let series: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-series-auto-'));
    // 400 five-minute steps of a cycle of 24 steps; row 200 repeats the time of row 199.
    const rows = Array.from({ length: 400 }, (_, i) => {
      const minutes = 5 * (i < 200 ? i : i - 1);
      const time = new Date(Date.UTC(2020, 0, 1) + minutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
      return `${time},${(10 + Math.sin((2 * Math.PI * i) / 24)).toFixed(4)}`;
    });
    series = join(dir, 'cycle.csv');
    writeFileSync(series, `timestamp,value\n${rows.join('\n')}\n`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("--window auto takes the series' period, and a repeated timestamp gets a note", async () => {
    const model = join(dir, 'auto.safetensors');
    const run = await runCli('train', series, '--window', 'auto', '--epochs', '2', '-o', model, '--backend', 'js', '--quiet');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `note: ${series}: 1 repeated timestamp (first at data row 200, 2020-01-01 16:35:00); rows kept in file order, one time step per row\n`,
    );
    expect(run.stdout).toContain("window 24 (the series' period)");
    expect(loadModel(model).extra['series']).toMatchObject({ window: 24 });
  });

  it('--timestamp-column alone makes it a series with the default window', async () => {
    const model = join(dir, 'default.safetensors');
    const run = await runCli(
      'train',
      series,
      '--timestamp-column',
      'timestamp',
      '--epochs',
      '2',
      '-o',
      model,
      '--backend',
      'js',
      '--quiet',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `saved series model to ${model}: window ${DEFAULT_WINDOW}, stride 1, 1 channel, point score ${DEFAULT_POINT_SCORE}`,
    );
  });

  it('--persistence, --cooldown and --pot-quantile set the alarm rule and the tail, stored and reported', async () => {
    const model = join(dir, 'alarms.safetensors');
    const flags = ['--persistence', '3', '--cooldown', '5', '--pot-quantile', '0.9'];
    const run = await runCli('train', series, '--window', '24', ...flags, '--epochs', '2', '-o', model, '--backend', 'js', '--quiet');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('alarms after 3 steps above it, cooldown 5 steps');
    const stored = loadModel(model).extra['series'] as { tail: { level: number; observed: number; excesses: number } };
    expect(stored).toMatchObject({ persistence: 3, cooldown: 5 });
    // The tail starts at the 0.9 quantile of the held-out scores: about a tenth of them exceed it.
    expect(stored.tail.excesses / stored.tail.observed).toBeCloseTo(0.1, 1);
    const scored = await runCli('score', model, series, '-o', join(dir, 'alarms.csv'));
    expect(scored.code).toBe(0);
    expect(scored.stdout).toContain('alarms: after 3 steps above the threshold, then none for 5 steps');
  });
});
