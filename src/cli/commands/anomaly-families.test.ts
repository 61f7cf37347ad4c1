/**
 * Anomaly scoring with other model families from the command line: a conv1d series scorer
 * (`latent train SERIES --window 64 --model conv1d`, then `latent score`) on the NAB exercise, and
 * the negative ELBO of a VAE as the score (`--metric elbo` for score and evaluate).
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatThresholdRule } from '../../tasks/threshold.js';
import { DEFAULT_POINT_SCORE, DEFAULT_SERIES_RULE } from '../../tasks/timeseries.js';
import { loadDataset } from '../../data/node-loaders.js';
import { loadModel } from '../../io/model-node.js';
import { VariationalAutoencoder } from '../../models/vae.js';
import { rocAuc } from '../../tasks/metrics.js';
import { runCli } from '../test-utils/capture.js';

const NAB = resolve(process.cwd(), '../shared/data/nab');
const TRAIN = resolve(NAB, 'artificialNoAnomaly/art_daily_small_noise.csv');
const JUMPSUP = 'artificialWithAnomaly/art_daily_jumpsup.csv';
const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'latent-cli-families-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csvColumn(path: string, name: string): string[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const index = header!.split(',').indexOf(name);
  return lines.map((l) => l.split(',')[index]!);
}

describe('latent train --window 64 --model conv1d / latent score on NAB', () => {
  let model: string;
  let trainOut: string;

  beforeAll(async () => {
    model = join(dir, 'nab-conv.safetensors');
    // The wasm backend keeps the conv stack quick; a few epochs of 3969 windows suffice here.
    const args = ['--model', 'conv1d', '--conv-channels', '16,32', '--kernel', '5', '--conv-stride', '2', '--epochs', '8'];
    const run = await runCli('train', TRAIN, '--window', '64', ...args, '-o', model, '--backend', 'wasm');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    trainOut = run.stdout;
  });

  it('saves a conv1d model over the window with the series settings', () => {
    expect(trainOut).toContain('windows of 64 steps every 1, conv1d model');
    expect(trainOut).toContain(`saved conv1d series model to ${model}: window 64, stride 1, 1 channel`);
    const loaded = loadModel(model);
    expect(loaded.model.config).toMatchObject({ kind: 'conv1d', channels: 1, length: 64, convChannels: [16, 32], kernel: 5, stride: 2 });
    expect(loaded.extra['series']).toMatchObject({
      window: 64,
      stride: 1,
      channels: 1,
      columns: ['value'],
      rule: formatThresholdRule(DEFAULT_SERIES_RULE),
      pointScore: DEFAULT_POINT_SCORE,
    });
    expect(loaded.training?.['options']).toMatchObject({ model: 'conv1d', window: 64, convChannels: [16, 32], kernel: 5, convStride: 2 });
  });

  it('flags only time steps inside the labelled window, including the jump', async () => {
    const out = join(dir, 'conv-scores.csv');
    const run = await runCli('score', model, resolve(NAB, JUMPSUP), '-o', out, '--backend', 'wasm');
    expect(run.stderr).toBe('');
    const all = JSON.parse(readFileSync(resolve(NAB, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
    const [[start, end]] = all[JUMPSUP]!.map(([a, b]) => [
      Date.parse(`${a.replace(' ', 'T')}Z`),
      Date.parse(`${b.replace(' ', 'T')}Z`),
    ]) as [[number, number]];
    const times = csvColumn(out, 'timestamp').map((t) => Date.parse(`${t.replace(' ', 'T')}Z`));
    const flags = csvColumn(out, 'flag').map(Number);
    expect(flags.length).toBe(4032);
    const flagged = flags.flatMap((f, i) => (f === 1 ? [i] : []));
    expect(flagged.length).toBeGreaterThan(0);
    const strays = flagged.filter((i) => times[i]! < start || times[i]! > end);
    expect(strays).toEqual([]);
    // The jump starts at row 2988: a step next to it is flagged.
    expect(flagged.some((i) => Math.abs(i - 2988) <= 8)).toBe(true);
  });

  it('refuses flags that do not fit a conv1d series model', async () => {
    const out = join(dir, 'refused.safetensors');
    const fails = async (args: string[], message: string): Promise<void> => {
      const run = await runCli('train', TRAIN, '--window', ...args, '-o', out);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
    };
    await fails(['64', '--conv-stride', '2'], '--conv-stride applies to --model conv1d');
    await fails(['64', '--model', 'conv1d', '--hidden', '8'], '--hidden does not apply to a conv1d series model');
    await fails(['64', '--model', 'conv1d', '--channels', '2'], '--channels does not apply to a conv1d series model');
    await fails(['6', '--model', 'conv1d', '--kernel', '5', '--epochs', '1'], 'this stack needs windows of at least 9 steps');
    const plain = await runCli('train', CARDIO, '--conv-stride', '2', '-o', out);
    expect(plain.stderr).toContain('--conv-stride applies to a series scorer (--window N --model conv1d)');
  });
});

describe('--metric elbo', () => {
  let vae: string;
  let dense: string;

  beforeAll(async () => {
    vae = join(dir, 'vae.safetensors');
    dense = join(dir, 'dense.safetensors');
    for (const [path, kind] of [
      [vae, 'vae'],
      [dense, 'dense'],
    ] as const) {
      const run = await runCli('train', CARDIO, '--model', kind, '--epochs', '20', '--seed', '3', '-q', '-o', path, '--backend', 'js');
      expect(run.stderr).toBe('');
    }
  });

  it('score writes the negative ELBO of each row and flags by it', async () => {
    const out = join(dir, 'elbo.csv');
    const run = await runCli('score', vae, CARDIO, '-o', out, '--metric', 'elbo');
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/threshold [\d.]+ \(elbo, rule contamination:0\.1\)/);
    const scores = csvColumn(out, 'score').map(Number);
    const { x, labels } = loadDataset(CARDIO);
    const loaded = loadModel(vae);
    if (!(loaded.model instanceof VariationalAutoencoder)) throw new Error('expected a VAE');
    const expected = loaded.model.negativeElbo(x);
    for (let i = 0; i < scores.length; i += 97) expect(scores[i]! / expected[i]!).toBeCloseTo(1, 4);
    expect(csvColumn(out, 'flag').filter((f) => f === '1').length).toBe(183);
    expect(rocAuc(labels!, expected)).toBeGreaterThan(0.85);
  });

  it('evaluate MODEL DATA and evaluate DATA --model vae report the elbo ROC-AUC', async () => {
    const model = await runCli('evaluate', vae, CARDIO, '--metric', 'elbo');
    expect(model.stderr).toBe('');
    const auc = Number(/ROC-AUC\s+([\d.]+)/.exec(model.stdout)![1]);
    expect(auc).toBeGreaterThan(0.85);
    const fresh = await runCli('evaluate', CARDIO, '--model', 'vae', '--metric', 'elbo', '--epochs', '20', '-q');
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toContain('variational autoencoder 21→');
    expect(fresh.stdout).toContain('score elbo (PCA: mse), threshold rule contamination:0.1');
  });

  it('is refused, naming the file, for models without an ELBO', async () => {
    const score = await runCli('score', dense, CARDIO, '-o', join(dir, 'no.csv'), '--metric', 'elbo');
    expect(score.code).toBe(1);
    expect(score.stderr).toContain(`the elbo score needs a variational autoencoder; the dense model in ${dense} has no ELBO`);
    const evaluate = await runCli('evaluate', dense, CARDIO, '--metric', 'elbo');
    expect(evaluate.stderr).toContain(`the dense model in ${dense} has no ELBO`);
    const fresh = await runCli('evaluate', CARDIO, '--metric', 'elbo');
    expect(fresh.stderr).toContain('--metric elbo scores by negative ELBO, which only a variational autoencoder has');
    const withModel = await runCli('evaluate', dense, CARDIO, '--model', 'vae');
    expect(withModel.stderr).toContain(`--model applies to latent evaluate DATA, which trains; ${dense} is evaluated as it is`);
  });
});
