/**
 * Which CSV columns the commands read: by default `train` leaves out text and timestamp columns
 * (and says so), explicit `--columns` stay strict, and every command that reads data for a trained
 * model picks the training columns by name when `--columns` is not given.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node-loaders.js';
import { loadModel } from '../io/model-node.js';
import { runCli } from './test-utils/capture.js';

const ROWS = 60;

let dir: string;
let lab: string;
let model: string;

/** id (text), timestamp (dates), a, b, c (numbers), label (0/1, anomalies every 10th row). */
function labCsv(columns = 'id,timestamp,a,b,c,label'): string {
  const names = columns.split(',');
  const lines = [columns];
  for (let i = 0; i < ROWS; i++) {
    const anomaly = i % 10 === 0;
    const cells: Record<string, string> = {
      id: `r${i}`,
      timestamp: `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`,
      a: (Math.sin(i) + (anomaly ? 4 : 0)).toFixed(3),
      b: Math.cos(i).toFixed(3),
      c: ((i % 7) / 7).toFixed(3),
      label: anomaly ? '1' : '0',
    };
    lines.push(names.map((n) => cells[n] ?? '0').join(','));
  }
  return `${lines.join('\n')}\n`;
}

function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

const FAST = ['--epochs', '1', '--backend', 'js', '--quiet'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latent-columns-'));
  lab = file('lab.csv', labCsv());
  model = join(dir, 'ab.safetensors');
  const run = await runCli('train', lab, '--columns', 'a,b', '--latent', '1', '-o', model, ...FAST);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('latent train: the default feature set', () => {
  it('leaves out text and timestamp columns, says which, and stores the columns it used', async () => {
    const out = join(dir, 'default.safetensors');
    const run = await runCli('train', lab, '--label-column', 'label', '--latent', '2', '-o', out, '--epochs', '1', '--backend', 'js');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${lab}: left out the non-numeric columns "id" (text), "timestamp" (timestamp); choose the features with --columns\n`,
    );
    expect(run.stdout).toContain(`training a dense autoencoder 3→`);
    expect(run.stdout).toContain(`(${ROWS} samples × 3 features)`);
    const loaded = loadModel(out);
    expect(loaded.model.inputDim).toBe(3);
    expect(loaded.training?.['columns']).toEqual(['a', 'b', 'c']);
  });

  it('keeps explicit --columns strict, with a hint naming --columns', async () => {
    const run = await runCli('train', lab, '--columns', 'id,a', '-o', join(dir, 'strict.safetensors'), ...FAST);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${lab}: row 2, column "id" (index 0): non-numeric value "r0"`);
    expect(run.stderr).toContain('hint: select only numeric feature columns with --columns');
    expect(run.stderr).not.toContain('(the columns option)\n');
  });

  it('still names row and column of a bad cell in a column that started numeric', async () => {
    const lines = labCsv('id,a,b').trimEnd().split('\n');
    lines[41] = 'r40,0.5,n/a';
    const bad = file('late-text.csv', `${lines.join('\n')}\n`);
    const run = await runCli('train', bad, '-o', join(dir, 'late.safetensors'), ...FAST);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}: row 42, column "b" (index 2): non-numeric value "n/a"`);
  });
});

describe('commands reading data for a trained model use its columns', () => {
  it('encode picks the training columns by name, in training order', async () => {
    const codes = join(dir, 'codes.csv');
    const run = await runCli('encode', model, lab, '-o', codes, '--backend', 'js');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = loadModel(model).model.encode(loadDataset(lab, { columns: ['a', 'b'] }).x);
    expect(loadDataset(codes).x.data).toEqual(expected.data);
    // The same columns in another order and among others are found by name.
    const shuffled = file('shuffled.csv', labCsv('label,c,b,id,a'));
    const again = join(dir, 'codes-shuffled.csv');
    expect((await runCli('encode', model, shuffled, '-o', again, '--backend', 'js')).code).toBe(0);
    expect(loadDataset(again).x.data).toEqual(expected.data);
  });

  it('reconstruct, reduce, score, denoise and evaluate MODEL DATA need no --columns', async () => {
    const runs = [
      ['reconstruct', model, lab, '-o', join(dir, 'rec.csv')],
      ['reduce', model, lab, '-o', join(dir, 'red.csv')],
      ['score', model, lab, '-o', join(dir, 'scores.csv')],
      ['denoise', model, lab, '-o', join(dir, 'den.csv')],
      ['evaluate', model, lab, '--labels', 'label'],
    ];
    for (const args of runs) {
      const run = await runCli(...args, '--backend', 'js');
      expect({ args, stderr: run.stderr, code: run.code }).toEqual({ args, stderr: '', code: 0 });
    }
    const evaluate = await runCli('evaluate', model, lab, '--labels', 'label', '--backend', 'js');
    expect(evaluate.stdout).toContain(`${lab}: ${ROWS} rows, 6 labelled anomalies`);
    expect(evaluate.stdout).toContain('ROC-AUC');
  });

  it('names every training column the data lacks', async () => {
    const other = file('other.csv', labCsv('id,a,c'));
    const run = await runCli('encode', model, other, '-o', join(dir, 'other-codes.csv'), '--backend', 'js');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: ${other} lacks 1 of the columns ${model} was trained on: "b"; its columns are "id", "a", "c"\n  hint: pass data with those columns, or choose the feature columns with --columns`,
    );
    const evaluate = await runCli('evaluate', model, other, '--labels', 'a', '--backend', 'js');
    expect(evaluate.stderr).toContain(`lacks 1 of the columns ${model} was trained on: "b"`);
  });

  it('lets --columns override the stored columns', async () => {
    const renamed = file('renamed.csv', labCsv('id,x,y'));
    const run = await runCli('encode', model, renamed, '--columns', 'x,y', '-o', join(dir, 'renamed-codes.csv'), '--backend', 'js');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
