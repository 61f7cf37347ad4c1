/**
 * `latent reduce`, `sweep`, `score` and `evaluate` in-process on the cardio data set (1831 rows ×
 * 21 features, 176 labelled anomalies), checked against the library they call.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/node-loaders.js';
import { loadModel } from '../../io/model-node.js';
import { AutoencoderDetector } from '../../tasks/detector.js';
import { PcaDetector } from '../../tasks/pca-detector.js';
import { computeThreshold } from '../../tasks/threshold.js';
import { formatLoss } from '../format.js';
import { runCli } from '../test-utils/capture.js';
import { suggestedRow } from './sweep.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');

/** The `score,flag` rows of a scores CSV. */
function readScores(path: string): { header: string; scores: number[]; flags: number[] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cells = lines.map((l) => l.split(','));
  return { header: header!, scores: cells.map((c) => Number(c.at(-2))), flags: cells.map((c) => Number(c.at(-1))) };
}

/** The value cells of one row of a printed metrics table. */
function tableRow(stdout: string, label: string): string[] {
  const line = stdout.split('\n').find((l) => l.trimStart().startsWith(label));
  if (line === undefined) throw new Error(`no row "${label}" in:\n${stdout}`);
  return line.trim().slice(label.length).trim().split(/\s+/);
}

describe('latent reduce / score / evaluate with a trained model', () => {
  let dir: string;
  let model: string;
  let detectorModel: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-anomaly-'));
    model = join(dir, 'cardio.safetensors');
    const run = await runCli('train', CARDIO, '-o', model, '--latent', '5', '--epochs', '4', '--backend', 'js', '--quiet');
    expect(run.code).toBe(0);
    // A detector saved by the library stores its threshold (contamination 20%) in the file.
    const x = loadDataset(CARDIO).x;
    const detector = await new AutoencoderDetector({ epochs: 2, rule: { kind: 'contamination', fraction: 0.2 } }).fit(x);
    detectorModel = join(dir, 'detector.safetensors');
    writeFileSync(detectorModel, detector.toBytes());
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reduce writes the codes encode writes, and how much they explain', async () => {
    const out = join(dir, 'codes.npy');
    const run = await runCli('reduce', model, CARDIO, '-o', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote 1831 codes of size 5 (from 21 features) to ${out}`);
    const explained = Number(/variance explained (\d+\.\d)%/.exec(run.stdout)?.[1]);
    expect(explained).toBeGreaterThan(0);
    expect(explained).toBeLessThan(100);
    const codes = loadDataset(out).x;
    const expected = loadModel(model).model.encode(loadDataset(CARDIO).x);
    expect([codes.rows, codes.cols]).toEqual([1831, 5]);
    expect(Array.from(codes.data.subarray(0, 20))).toEqual(Array.from(expected.data.subarray(0, 20)));
  });

  it('score on a plain model computes the threshold from DATA with the rule and says so', async () => {
    const out = join(dir, 'scores.csv');
    const run = await runCli('score', model, CARDIO, '-o', out, '--threshold-rule', 'contamination:0.05');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`computed from the scores of ${CARDIO} itself (${model} stores no threshold)`);
    const { header, scores, flags } = readScores(out);
    expect(header).toBe('score,flag');
    expect(scores).toHaveLength(1831);
    const threshold = computeThreshold({ kind: 'contamination', fraction: 0.05 }, scores);
    expect(run.stdout).toContain(`threshold ${formatLoss(threshold)} (mse, rule contamination:0.05)`);
    expect(flags).toEqual(scores.map((s) => (s > threshold ? 1 : 0)));
    const flagged = flags.reduce((a, b) => a + b, 0);
    expect(flagged).toBeGreaterThanOrEqual(91);
    expect(flagged).toBeLessThanOrEqual(92);
    expect(run.stdout).toContain(`flagged ${flagged} of 1831 rows`);
    // The scores are the model's reconstruction errors.
    const expected = loadModel(model).model.reconstructionError(loadDataset(CARDIO).x);
    for (let i = 0; i < 10; i++) expect(scores[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('score without a rule uses the default contamination:0.1; mae scores differ from mse', async () => {
    const out = join(dir, 'mae.npy');
    const run = await runCli('score', model, CARDIO, '-o', out, '--metric', 'mae');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(mae, rule contamination:0.1)');
    expect(run.stdout).toContain('so the default rule applies');
    const m = loadDataset(out).x;
    expect([m.rows, m.cols]).toEqual([1831, 2]);
    const expected = loadModel(model).model.reconstructionError(loadDataset(CARDIO).x, 'mae');
    expect(m.data[0]).toBeCloseTo(expected[0]!, 6);
  });

  it('score uses a threshold stored in the model file, unless a rule is given', async () => {
    const loaded = AutoencoderDetector.fromLoaded(loadModel(detectorModel), detectorModel);
    const out = join(dir, 'stored.csv');
    const run = await runCli('score', detectorModel, CARDIO, '-o', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`threshold ${formatLoss(loaded.threshold)} (combined, rule contamination:0.2) stored in ${detectorModel}`);
    const { flags } = readScores(out);
    expect(flags).toEqual(Array.from(loaded.predict(loadDataset(CARDIO).x)));
    const again = await runCli('score', detectorModel, CARDIO, '-o', out, '--force', '--threshold-rule', 'max');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `computed from the scores of ${CARDIO} itself (${detectorModel} stores no training scores to apply a new rule to)`,
    );
    expect(readScores(out).flags.reduce((a, b) => a + b, 0)).toBe(0); // nothing is above the maximum
  });

  it('evaluate MODEL DATA prints the metrics of the trained model', async () => {
    const run = await runCli('evaluate', detectorModel, CARDIO);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1831 rows, 176 labelled anomalies (9.6%)');
    const detector = AutoencoderDetector.fromLoaded(loadModel(detectorModel), detectorModel);
    const expected = detector.evaluate(loadDataset(CARDIO).x, loadDataset(CARDIO).labels!);
    expect(tableRow(run.stdout, 'ROC-AUC')).toEqual([expected.rocAuc.toFixed(4)]);
    expect(tableRow(run.stdout, 'PR-AUC (average precision)')).toEqual([expected.prAuc.toFixed(4)]);
    expect(tableRow(run.stdout, 'true positives')).toEqual([String(expected.tp)]);
    expect(expected.tp + expected.fp).toBeGreaterThan(300); // contamination 20% of 1831
  });
});

describe('latent evaluate DATA', () => {
  it('fits the autoencoder and PCA detectors with defaults and prints their metrics side by side', async () => {
    const run = await runCli('evaluate', CARDIO, '--epochs', '5', '--seed', '3', '--backend', 'js', '--quiet');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+autoencoder\s+PCA$/m);
    const data = loadDataset(CARDIO);
    const pca = new PcaDetector().fit(data.x).evaluate(data.x, data.labels!);
    const ae = await new AutoencoderDetector({ epochs: 5, seed: 3 }).fit(data.x);
    const aeEval = ae.evaluate(data.x, data.labels!);
    expect(tableRow(run.stdout, 'ROC-AUC')).toEqual([aeEval.rocAuc.toFixed(4), pca.rocAuc.toFixed(4)]);
    expect(tableRow(run.stdout, 'precision@n (n = 176)')).toEqual([aeEval.precisionAtN.toFixed(4), pca.precisionAtN.toFixed(4)]);
    expect(tableRow(run.stdout, 'false negatives')).toEqual([String(aeEval.fn), String(pca.fn)]);
    // Both beat chance on cardio by a wide margin.
    expect(pca.rocAuc).toBeGreaterThan(0.8);
    expect(aeEval.rocAuc).toBeGreaterThan(0.7);
  });

  it('reads labels from a CSV column and from a labels file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-cli-labels-'));
    try {
      const data = loadDataset(CARDIO);
      const header = [...data.columns, 'is_anomaly'].join(',');
      const lines = Array.from({ length: data.x.rows }, (_, r) =>
        [...data.x.data.subarray(r * 21, (r + 1) * 21), data.labels![r]].join(','),
      );
      const csv = join(dir, 'cardio.csv');
      writeFileSync(csv, `${header}\n${lines.join('\n')}\n`);
      const byColumn = await runCli('evaluate', csv, '--labels', 'is_anomaly', '--epochs', '1', '--backend', 'js', '-q');
      expect(byColumn.code).toBe(0);
      const pca = new PcaDetector().fit(data.x).evaluate(data.x, data.labels!);
      expect(tableRow(byColumn.stdout, 'ROC-AUC')[1]).toBe(pca.rocAuc.toFixed(4));
      // --label-column, the option train and score take for the same column, is accepted too.
      const byLabelColumn = await runCli('evaluate', csv, '--label-column', 'is_anomaly', '--epochs', '1', '--backend', 'js', '-q');
      expect(byLabelColumn.code).toBe(0);
      expect(tableRow(byLabelColumn.stdout, 'ROC-AUC')[1]).toBe(pca.rocAuc.toFixed(4));
      const both = await runCli('evaluate', csv, '--labels', 'is_anomaly', '--label-column', 'other', '-q');
      expect(both.code).not.toBe(0);
      expect(both.stderr).toMatch(/--labels is_anomaly and --label-column other name different labels/);
      const features = join(dir, 'features.csv');
      writeFileSync(features, `${data.columns.join(',')}\n${lines.map((l) => l.slice(0, l.lastIndexOf(','))).join('\n')}\n`);
      const labels = join(dir, 'labels.csv');
      writeFileSync(labels, `y\n${Array.from(data.labels!).join('\n')}\n`);
      const byFile = await runCli('evaluate', features, '--labels', labels, '--epochs', '1', '--backend', 'js', '-q');
      expect(byFile.code).toBe(0);
      expect(tableRow(byFile.stdout, 'ROC-AUC')[1]).toBe(pca.rocAuc.toFixed(4));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('latent sweep', () => {
  it('prints autoencoder and PCA errors per size and marks the suggested size', async () => {
    const run = await runCli('sweep', CARDIO, '--latent', '2,8,16', '--epochs', '3', '--backend', 'js', '--quiet');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => /^\s+\*?\d+\s+\d/.test(l));
    expect(rows).toHaveLength(3);
    const parsed = rows.map((l) => l.trim().split(/\s+/));
    expect(parsed.map((r) => r[0]!.replace('*', ''))).toEqual(['2', '8', '16']);
    const pcaErrors = parsed.map((r) => Number(r[2]));
    // PCA's validation error falls as components are added.
    expect(pcaErrors[0]).toBeGreaterThan(pcaErrors[1]!);
    expect(pcaErrors[1]).toBeGreaterThan(pcaErrors[2]!);
    expect(parsed.every((r) => Number(r[5]) === 3)).toBe(true);
    expect(run.stdout).toMatch(/\* latent \d+: the smallest size within 5% of the best autoencoder validation error/);
    expect(rows.filter((l) => l.includes('*'))).toHaveLength(1);
  });

  it('suggestedRow picks the smallest size within the tolerance', () => {
    const row = (latent: number, aeValError: number) => ({
      latent,
      aeValError,
      pcaValError: 0,
      aeExplained: 0,
      pcaExplained: 0,
      aeTrainError: 0,
      pcaTrainError: 0,
      epochs: 1,
      seconds: 0,
    });
    const rows = [row(2, 0.5), row(4, 0.3), row(8, 0.209), row(16, 0.2)];
    expect(suggestedRow(rows, 0.05)).toBe(2);
    expect(suggestedRow(rows, 0)).toBe(3);
    expect(suggestedRow(rows, 1.5)).toBe(0);
  });
});
