import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../io/model-node.js';
import { parseTrainFlags } from './commands/train-options.js';
import { runCli } from './test-utils/capture.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');

describe('latent train --threshold-rule', () => {
  it('stores a threshold computed on the validation rows, which latent score then uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-threshold-'));
    const model = join(dir, 'cardio.safetensors');
    const train = await runCli(
      'train',
      CARDIO,
      '--latent',
      '4',
      '--epochs',
      '3',
      '--threshold-rule',
      'contamination:0.1',
      '-o',
      model,
      '-q',
    );
    expect(train.stderr).toBe('');
    expect(train.stdout).toMatch(/anomaly threshold [\d.]+ \(rule contamination:0.1 on the \d+ validation rows\) stored in/);
    const saved = loadModel(model);
    const stored = saved.extra['detector'] as { threshold: number; rule: unknown };
    expect(stored.threshold).toBeGreaterThan(0);
    // A detector trains with the detector's dropout unless --dropout says otherwise.
    expect(Reflect.get(saved.model.config, 'dropout')).toBe(0.2);

    const scores = join(dir, 'scores.csv');
    const score = await runCli('score', model, CARDIO, '-o', scores);
    expect(score.code).toBe(0);
    const flags = readFileSync(scores, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',').at(-1)));
    // The same rows the threshold came from: about 10% of them lie above it.
    const share = flags.filter((f) => f === 1).length / flags.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
  });

  it('takes the detector dropout only with a rule and only when --dropout is left out', () => {
    expect(parseTrainFlags({}).dropout).toBe(0);
    expect(parseTrainFlags({ thresholdRule: 'max' }).dropout).toBe(0.2);
    expect(parseTrainFlags({ thresholdRule: 'max', dropout: '0' }).dropout).toBe(0);
    expect(parseTrainFlags({ dropout: '0.3' }).dropout).toBe(0.3);
  });

  it('rejects a bad rule before training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-threshold-'));
    const run = await runCli('train', CARDIO, '--threshold-rule', 'contamination:0.7', '-o', join(dir, 'm.safetensors'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/contamination/);
  });
});
