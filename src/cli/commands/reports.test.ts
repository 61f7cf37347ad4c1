/**
 * The HTML reports of `latent evaluate --report` and `latent sweep --report`: written beside the
 * terminal output, with their sections, self-contained; their output paths are checked before any
 * work.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-utils/capture.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');
let dir: string;
let model: string;

function headings(html: string): string[] {
  return [...html.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]!);
}

function expectSelfContained(html: string): void {
  expect(html).toMatch(/^<!DOCTYPE html>/);
  expect(html).not.toMatch(/(src|href)="https?:/i);
  expect(html).not.toMatch(/<script|<link/i);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latent-reports-'));
  model = join(dir, 'cardio.safetensors');
  const run = await runCli(
    'train',
    CARDIO,
    '-o',
    model,
    '--epochs',
    '3',
    '--threshold-rule',
    'contamination:0.1',
    '--quiet',
    '--backend',
    'js',
  );
  expect(run.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('latent evaluate --report', () => {
  it('writes the metrics table, the curves, the score distribution and the top rows for a trained model', async () => {
    const out = join(dir, 'eval.html');
    const run = await runCli('evaluate', model, CARDIO, '--report', out, '--backend', 'js');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote report to ${out}`);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    expect(headings(html)).toEqual([
      'Metrics',
      'ROC and precision–recall curves',
      'Score distributions',
      'Top-scoring rows (cardio.safetensors)',
    ]);
    // The table holds the numbers the terminal printed.
    const auc = /ROC-AUC\s+(\d\.\d{4})/.exec(run.stdout)![1]!;
    expect(html).toContain(`<td class="num">${Number(auc)}</td>`);
    expect(html).toMatch(/cardio\.safetensors \(AUC 0\.\d{3}\)/);
    expect(html).toMatch(/<line class="threshold"/);
    expect(html).toContain('most anomalous features');
  });

  it('compares the fitted autoencoder and PCA side by side', async () => {
    const out = join(dir, 'eval-data.html');
    const run = await runCli('evaluate', CARDIO, '--epochs', '2', '--report', out, '--quiet', '--backend', 'js');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/autoencoder \(AUC 0\.\d{3}\)/);
    expect(html).toMatch(/PCA \(AUC 0\.\d{3}\)/);
    expect(html).toContain('Score per row, PCA');
  });

  it('refuses to replace a report without --force, and a path that is not HTML, before any work', async () => {
    const existing = join(dir, 'taken.html');
    writeFileSync(existing, 'keep me');
    const taken = await runCli('evaluate', model, CARDIO, '--report', existing, '--backend', 'js');
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toMatch(/taken\.html/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    const text = await runCli('evaluate', model, CARDIO, '--report', join(dir, 'eval.txt'), '--backend', 'js');
    expect(text.stderr).toMatch(/eval\.txt: the report is an HTML file/);
    expect(existsSync(join(dir, 'eval.txt'))).toBe(false);
    const forced = await runCli('evaluate', model, CARDIO, '--report', existing, '--force', '--backend', 'js');
    expect(forced.code).toBe(0);
    expect(readFileSync(existing, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });
});

describe('latent evaluate --report on a series model', () => {
  it('is refused before scoring: the report covers row models', async () => {
    const nab = resolve(process.cwd(), '../shared/data/nab');
    const series = join(dir, 'series.safetensors');
    const train = await runCli(
      'train',
      resolve(nab, 'artificialNoAnomaly/art_daily_small_noise.csv'),
      '--window',
      '16',
      '--epochs',
      '1',
      '-o',
      series,
      '--quiet',
      '--backend',
      'js',
    );
    expect(train.code).toBe(0);
    const out = join(dir, 'series.html');
    const run = await runCli(
      'evaluate',
      series,
      resolve(nab, 'artificialWithAnomaly/art_daily_jumpsup.csv'),
      '--report',
      out,
      '--backend',
      'js',
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--report: .*series\.safetensors is a time-series model/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('latent sweep --report', () => {
  it('writes error against latent size beside PCA, with the suggestion marked, and the table', async () => {
    const out = join(dir, 'sweep.html');
    const run = await runCli('sweep', CARDIO, '--latent', '2,4', '--epochs', '2', '--report', out, '--quiet', '--backend', 'js');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    expect(headings(html)).toEqual(['Error against latent size', 'Sweep table']);
    expect(html).toContain('data-series="autoencoder"');
    expect(html).toContain('data-series="PCA, same size"');
    const suggested = /\*(\d+)/.exec(run.stdout)![1]!;
    expect(html).toContain(`suggested: ${suggested}`);
    expect(html).toContain(`${suggested} (suggested)`);
  });
});
