/**
 * Bad input to the application commands (score, evaluate, denoise, train --window, sweep,
 * reduce): each ends with exit code 1, a message naming the problem and a hint, no stack trace,
 * and no file written.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../data/npy.js';
import { encodePng } from '../../report/png.js';
import { runCli } from '../test-utils/capture.js';

describe('application command errors', () => {
  let dir: string;
  let data: string;
  let labelled: string;
  let model: string;
  let series: string;
  let seriesModel: string;

  const file = (name: string, contents: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-app-errors-'));
    // 16 features: the rows are also 4×4 grayscale images.
    const header = Array.from({ length: 16 }, (_, i) => `f${i}`);
    const rows = Array.from({ length: 60 }, (_, r) => header.map((_, c) => ((r * 7 + c * 3) % 11) / 10).join(','));
    data = file('data.csv', `${header.join(',')}\n${rows.join('\n')}\n`);
    labelled = file('labelled.csv', `${header.join(',')},label\n${rows.map((r, i) => `${r},${i % 10 === 0 ? 1 : 0}`).join('\n')}\n`);
    model = join(dir, 'model.safetensors');
    expect((await runCli('train', data, '-o', model, '--latent', '3', '--epochs', '1', '--backend', 'js', '--quiet')).code).toBe(0);
    const steps = Array.from(
      { length: 80 },
      (_, t) =>
        `2020-01-01 ${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}:00,${Math.sin(t / 5).toFixed(4)}`,
    );
    series = file('series.csv', `timestamp,value\n${steps.join('\n')}\n`);
    seriesModel = join(dir, 'series.safetensors');
    expect(
      (await runCli('train', series, '--window', '8', '--stride', '2', '--epochs', '2', '-o', seriesModel, '--backend', 'js', '--quiet'))
        .code,
    ).toBe(0);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `latent ...args`, expects exit 1 with every part in stderr, and returns stdout. */
  async function fails(args: string[], ...parts: string[]): Promise<string> {
    const run = await runCli(...args);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /);
    expect(run.stderr).toContain('  hint: ');
    for (const part of parts) expect(run.stderr).toContain(part);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return run.stdout;
  }

  it('labels of the wrong length', async () => {
    const labels = file('labels-short.npy', encodeNpy({ data: new Float32Array(10), rows: 10, cols: 1 }));
    const stdout = await fails(['evaluate', data, '--labels', labels, '--backend', 'js'], 'labels-short.npy', 'but', '60 rows');
    expect(stdout).toBe(''); // refused before training
    await fails(['evaluate', model, data, '--labels', labels], 'labels-short.npy', '60 rows');
  });

  it('labels that are not 0/1, or all one class, or missing', async () => {
    const twos = file('twos.csv', readFileSync(labelled, 'utf8').replace(/,1\n/, ',2\n'));
    const stdout = await fails(
      ['evaluate', twos, '--labels', 'label', '--backend', 'js'],
      'twos.csv: the label of data row 0 (counted from 0) is 2',
      'labels must be 0 (normal) or 1 (anomaly)',
    );
    expect(stdout).toBe('');
    const zeros = file('zeros.csv', readFileSync(labelled, 'utf8').replace(/,1\n/g, ',0\n'));
    await fails(['evaluate', zeros, '--labels', 'label'], 'all 60 labels are 0 (normal)');
    await fails(['evaluate', data], 'data.csv has no labels to evaluate against', '--labels COLUMN');
    await fails(['evaluate', labelled, '--labels', 'nope'], 'no column named "nope"');
  });

  it('--labels naming a missing file, or a column of data without columns, says so by flag', async () => {
    const npy = file('features.npy', encodeNpy({ data: new Float32Array(60 * 16), rows: 60, cols: 16 }));
    await fails(['evaluate', npy, '--labels', join(dir, 'absent.npy')], '--labels', 'absent.npy: no such file');
    await fails(
      ['evaluate', model, npy, '--labels', 'label'],
      '--labels label: there is no file of that name',
      'features.npy is not a CSV',
    );
  });

  it('CSV-only flags on other data name the flag, not a loader option', async () => {
    const npy = file('rows.npy', encodeNpy({ data: new Float32Array(60 * 16), rows: 60, cols: 16 }));
    const out = join(dir, 'csv-flags.csv');
    for (const args of [
      ['train', npy, '--label-column', 'y', '-o', join(dir, 'csv-flags.safetensors')],
      ['encode', model, npy, '--columns', 'f0,f1', '-o', out],
      ['score', model, npy, '--timestamp-column', 'ts', '-o', out],
      ['evaluate', npy, '--columns', 'f0,f1'],
      ['sweep', 'mnist', '--latent', '2', '--columns', 'f0'],
    ]) {
      const flag = args.find((a) => a.startsWith('--') && a !== '--latent')!;
      const stderr = (await runCli(...args)).stderr;
      expect(stderr).toContain(`error: ${flag} applies to CSV data, not `);
      expect(stderr).not.toMatch(/labelColumn|timestampColumn|option columns/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a contamination outside (0, 0.5]', async () => {
    const out = join(dir, 'contamination.csv');
    await fails(
      ['score', model, data, '-o', out, '--threshold-rule', 'contamination:0.7'],
      'threshold rule "contamination:0.7": contamination 0.7 is outside (0, 0.5]',
    );
    await fails(['score', model, data, '-o', out, '--threshold-rule', 'contamination:0'], 'contamination 0 is outside (0, 0.5]');
    expect(existsSync(out)).toBe(false);
    const stdout = await fails(
      ['evaluate', labelled, '--labels', 'label', '--threshold-rule', 'contamination:0.51'],
      'contamination 0.51 is outside',
    );
    expect(stdout).toBe('');
    await fails(
      ['score', model, data, '-o', out, '--threshold-rule', 'median'],
      'unknown rule "median"',
      'contamination:0.05, percentile:99',
    );
    await fails(['score', model, data, '-o', out, '--metric', 'rmse'], 'unknown --metric "rmse"', 'mse, mae');
    expect(existsSync(out)).toBe(false);
  });

  it('a window longer than the series', async () => {
    const out = join(dir, 'long-window.safetensors');
    const stdout = await fails(
      ['train', series, '--window', '100', '-o', out, '--backend', 'js'],
      '--window 100 is longer than the series',
      '(80 time steps)',
    );
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    const short = file('short.csv', 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:01:00,2\n2020-01-01 00:02:00,3\n');
    const scores = join(dir, 'short-scores.csv');
    await fails(['score', seriesModel, short, '-o', scores], 'short.csv has 3 time steps, fewer than the window of 8 steps');
    expect(existsSync(scores)).toBe(false);
    await fails(['train', series, '--window', '8', '--stride', '9', '-o', out], '--stride 9 is longer than the window of 8 steps');
    await fails(['train', series, '--point-score', 'end', '-o', out], '--point-score applies to a series scorer');
    await fails(['train', series, '--window', '8', '--point-score', 'median', '-o', out], 'unknown --point-score "median"');
    await fails(['train', series, '--window', '8', '--threshold-update', 'often', '-o', out], 'unknown --threshold-update "often"');
    await fails(
      ['train', series, '--window', '8', '--holdout', '1', '-o', out],
      '--holdout 1: the held-out share must be a number in [0, 1)',
    );
    await fails(
      ['train', series, '--window', '8', '--pot-quantile', '0.2', '-o', out],
      '--pot-quantile 0.2: the quantile where the tail starts must be a number in [0.5, 1)',
    );
    await fails(['train', series, '--window', '8', '--persistence', '0', '-o', out], '--persistence');
    await fails(['train', series, '--window', '8', '--cooldown', '-3', '-o', out], '--cooldown');
    for (const flag of ['--pot-quantile', '--persistence', '--cooldown']) {
      await fails(['train', series, flag, '1', '-o', out], `${flag} applies to a series scorer`);
    }
    await fails(['train', series, '--window', '8', '--model', 'conv', '-o', out], 'a series scorer (--window) uses a dense autoencoder');
    expect(existsSync(out)).toBe(false);
  });

  it('a timestamp column that does not parse', async () => {
    const bad = file('bad-time.csv', readFileSync(series, 'utf8').replace('2020-01-01 00:05:00', 'yesterday noon'));
    const out = join(dir, 'bad-time.safetensors');
    await fails(
      ['train', bad, '--window', '8', '-o', out],
      'bad-time.csv: row 7, column "timestamp"',
      'cannot read as a date/time: "yesterday noon"',
    );
    await fails(['train', series, '--window', '8', '--timestamp-column', 'time', '-o', out], 'no column named "time"');
    await fails(['score', seriesModel, bad, '-o', join(dir, 'bad-time.csv.scores.csv')], 'cannot read as a date/time');
    expect(existsSync(out)).toBe(false);
  });

  it('an image of another size than the model', async () => {
    const wide = file('wide.png', encodePng(new Uint8Array(5 * 4), 5, 4, 1));
    const out = join(dir, 'wide-out.png');
    await fails(
      ['denoise', model, wide, '-o', out, '--noise', 'gaussian:0.2'],
      'wide.png is 5×4 grayscale (20 values), but the model expects 4×4 grayscale (16 values)',
      'resize',
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'wide-out-noisy.png'))).toBe(false);
    const square = file('square.png', encodePng(new Uint8Array(16), 4, 4, 1));
    await fails(['denoise', model, square, '-o', join(dir, 'square.csv')], 'a denoised image is written as a PNG');
    await fails(['denoise', model, data, '-o', join(dir, 'rows.csv'), '--noise', 'blur:2'], 'noise "blur:2": unknown kind "blur"');
  });

  it('an existing output without --force, checked before any work', async () => {
    const existing = file('existing.csv', 'keep me\n');
    const mtime = statSync(existing).mtimeMs;
    for (const args of [
      ['score', model, data, '-o', existing],
      ['score', seriesModel, series, '-o', existing],
      ['reduce', model, data, '-o', existing],
      ['denoise', model, data, '-o', existing],
    ]) {
      const stdout = await fails(args, `${existing} already exists`, 'pass --force');
      expect(stdout).toBe('');
    }
    const existingModel = file('existing.safetensors', 'keep me too\n');
    expect(await fails(['train', series, '--window', '8', '-o', existingModel, '--backend', 'js'], 'already exists')).toBe('');
    const png = file('existing.png', 'not a png\n');
    const square = file('square2.png', encodePng(new Uint8Array(16), 4, 4, 1));
    await fails(['denoise', model, square, '-o', png], `${png} already exists`);
    const noisyExisting = file('fresh-noisy.png', 'keep\n');
    await fails(['denoise', model, square, '-o', join(dir, 'fresh.png'), '--noise', 'mask:0.3'], `${noisyExisting} already exists`);
    expect(existsSync(join(dir, 'fresh.png'))).toBe(false);
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
    expect(readFileSync(existingModel, 'utf8')).toBe('keep me too\n');
    expect(statSync(existing).mtimeMs).toBe(mtime);
    // With --force the file is replaced.
    const forced = await runCli('score', model, data, '-o', existing, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(existing, 'utf8')).toMatch(/^score,flag\n/);
  });

  it('evaluate forms, sweep sizes and series metrics', async () => {
    await fails(['evaluate', data, labelled], 'data.csv is not a model file (.safetensors)');
    await fails(['evaluate', model], 'is a model file; evaluating it needs the data too');
    await fails(['evaluate', model, labelled, '--labels', 'label', '--epochs', '3'], '--seed and --epochs apply to latent evaluate DATA');
    await fails(['sweep', data, '--latent', '2,16'], '--latent 16: a code size must be below the 16 features');
    await fails(['sweep', data, '--latent', '2,x'], 'item 2 ("x") is not a whole number');
    await fails(['score', seriesModel, series, '-o', join(dir, 'mae.csv'), '--metric', 'mae'], 'scores with mse');
  });
});
