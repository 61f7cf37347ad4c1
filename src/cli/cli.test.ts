/**
 * The `latent` command end to end, in-process, on the cardio data set (1831 rows × 21 features):
 * train → info → encode → decode → reconstruct, --force semantics, and the HTML report.
 */

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node-loaders.js';
import { loadModel } from '../io/model-node.js';
import { readValidationSplit } from '../io/validation-split.js';
import { runCli } from './test-utils/capture.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');

describe('latent train / info / encode / decode / reconstruct', () => {
  let dir: string;
  let model: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-'));
    model = join(dir, 'cardio.safetensors');
    const run = await runCli(
      'train',
      CARDIO,
      '-o',
      model,
      '--latent',
      '8',
      // An explicit activation: three epochs would lose to PCA, which a default shape then keeps.
      '--activation',
      'relu',
      '--epochs',
      '3',
      '--backend',
      'js',
      '--report',
      join(dir, 'report.html'),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one plain progress line per epoch and a summary when stdout is not a terminal', async () => {
    const run = await runCli('train', CARDIO, '-o', join(dir, 'progress.safetensors'), '--latent', '4', '--epochs', '2', '--backend', 'js');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('epoch '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}loss \d+\.\d{4} {2}val \d+\.\d{4} {2}\d+ samples\/s {2}eta \S+$/);
    expect(run.stdout).toContain('scale standard, output identity, loss mse');
    expect(run.stdout).toContain(`saved model to ${join(dir, 'progress.safetensors')}: 2 epochs`);
    const quiet = await runCli('train', CARDIO, '-o', join(dir, 'quiet.safetensors'), '--epochs', '1', '--backend', 'js', '--quiet');
    expect(quiet.stdout).not.toContain('epoch 1/1');
  });

  it('--scale standard-pooled trains with one shared scale, which the model file keeps', async () => {
    const path = join(dir, 'pooled.safetensors');
    const run = await runCli(
      'train',
      CARDIO,
      '-o',
      path,
      '--latent',
      '4',
      '--epochs',
      '1',
      '--scale',
      'standard-pooled',
      '--backend',
      'js',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('scale standard-pooled');
    const scaler = loadModel(path).model.scaler!;
    expect(scaler.kind).toBe('standard-pooled');
    expect(new Set(scaler.scale).size).toBe(1);
    expect((await runCli('info', path)).stdout).toContain('standard-pooled (21 columns)');
  });

  it('stores the data defaults and the training summary in the model', () => {
    const loaded = loadModel(model);
    expect(loaded.model.config).toMatchObject({ inputDim: 21, latentDim: 8, hidden: [19], outputActivation: 'identity' });
    expect(loaded.model.scaler?.kind).toBe('standard');
    // The validation split, so a reopened model can name the rows it never trained on.
    expect(readValidationSplit(loaded.extra, model)).toEqual({ fraction: 0.1, seed: 42, rows: 1831 });
    const t = loaded.training!;
    expect(t.epochs).toBe(3);
    expect(t.loss).toBe('mse');
    expect(t.samples).toBe(1831);
    expect(t.backend).toBe('js');
    expect(t['source']).toBe(CARDIO);
    expect(t['bestEpoch']).toBeGreaterThanOrEqual(1);
    expect(t['options']).toMatchObject({
      latent: 8,
      epochs: 3,
      batchSize: 64,
      valSplit: 0.1,
      patience: 10,
      seed: 42,
      optimizer: 'adam',
      lr: 0.001,
    });
    expect(typeof t.finalLoss).toBe('number');
    expect(typeof t.finalValLoss).toBe('number');
  });

  it('writes a self-contained HTML report', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<svg');
    expect(html).toContain('<h2 id="section-1-h">Training</h2>');
    expect(html).toContain('<h2 id="section-6-h">Settings</h2>');
    expect(html).not.toMatch(/finalValLoss|option outputActivation/);
    expect(html).not.toContain('<script');
  });

  it('info shows layers, tensors in state_dict style, scaler, summary, format version and backend', async () => {
    const run = await runCli('info', model);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/encoder\.0\.weight\s+\[19, 21\]/);
    expect(run.stdout).toMatch(/decoder\.2\.weight\s+\[21, 19\]/);
    expect(run.stdout).toContain('21→19→8→19→21');
    expect(run.stdout).toContain('format version 1');
    expect(run.stdout).toContain('standard (21 columns)');
    // 21·19+19 + 19·8+8 + 8·19+19 + 19·21+21 = 1169
    expect(run.stdout).toMatch(/parameters\s+1,169/);
    expect(run.stdout).toMatch(/loss\s+mse: final \d/);
    expect(run.stdout).toMatch(/backend\s+js, 1 thread/);
  });

  it('encode writes one row of 8 codes per sample with a z0… header', async () => {
    const csv = join(dir, 'codes.csv');
    const run = await runCli('encode', model, CARDIO, '-o', csv);
    expect(run.code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('z0,z1,z2,z3,z4,z5,z6,z7');
    expect(lines).toHaveLength(1 + 1831);
    expect(lines[1]!.split(',')).toHaveLength(8);
    expect((await runCli('encode', model, CARDIO, '-o', join(dir, 'codes.npy'))).code).toBe(0);
    const npy = loadDataset(join(dir, 'codes.npy'));
    expect([npy.x.rows, npy.x.cols]).toEqual([1831, 8]);
    // The codes are the model's: compare with the library directly.
    const expected = loadModel(model).model.encode(loadDataset(CARDIO).x);
    expect(Array.from(npy.x.data.subarray(0, 16))).toEqual(Array.from(expected.data.subarray(0, 16)));
  });

  it('decode and reconstruct give 21 columns per row', async () => {
    const codes = join(dir, 'codes-for-decode.npy');
    expect((await runCli('encode', model, CARDIO, '-o', codes)).code).toBe(0);
    const decoded = join(dir, 'decoded.csv');
    expect((await runCli('decode', model, codes, '-o', decoded)).code).toBe(0);
    const d = loadDataset(decoded);
    expect([d.x.rows, d.x.cols]).toEqual([1831, 21]);
    const recon = join(dir, 'recon.npy');
    const run = await runCli('reconstruct', model, CARDIO, '-o', recon);
    expect(run.code).toBe(0);
    const r = loadDataset(recon);
    expect([r.x.rows, r.x.cols]).toEqual([1831, 21]);
    // decode(encode(x)) is reconstruct(x).
    for (let i = 0; i < 50; i++) expect(d.x.data[i]).toBeCloseTo(r.x.data[i]!, 4);
  });

  it('refuses to overwrite outputs without --force, before doing any work', async () => {
    const before = readFileSync(model);
    const mtime = statSync(model).mtimeMs;
    const run = await runCli('train', CARDIO, '-o', model, '--epochs', '1', '--backend', 'js');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: ${model} already exists\n  hint: pass --force to overwrite it, or choose another output path\n`);
    expect(run.stdout).toBe(''); // nothing loaded, nothing trained
    expect(readFileSync(model).equals(before)).toBe(true);
    expect(statSync(model).mtimeMs).toBe(mtime);

    const csv = join(dir, 'force.csv');
    expect((await runCli('encode', model, CARDIO, '-o', csv)).code).toBe(0);
    const again = await runCli('encode', model, CARDIO, '-o', csv);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect((await runCli('encode', model, CARDIO, '-o', csv, '--force')).code).toBe(0);

    const forced = await runCli('train', CARDIO, '-o', model, '--epochs', '1', '--backend', 'js', '--force', '--quiet');
    expect(forced.code).toBe(0);
    expect(loadModel(model).training?.epochs).toBe(1);
  });
});
