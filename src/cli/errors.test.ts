/**
 * Every bad input a user can give `latent` ends with a non-zero exit code and a message naming
 * the problem: LatentErrors exit 1 with "error:" and "hint:", usage errors exit 2.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../data/npy.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { runCli } from './test-utils/capture.js';

describe('latent error paths', () => {
  let dir: string;
  let model: string;
  let data: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-errors-'));
    data = join(dir, 'small.csv');
    const rows = ['a,b,c,d'];
    for (let i = 0; i < 40; i++) rows.push([i % 7, (i * 3) % 5, i / 40, Math.sin(i)].map((v) => v.toFixed(3)).join(','));
    writeFileSync(data, `${rows.join('\n')}\n`);
    model = join(dir, 'small.safetensors');
    const run = await runCli('train', data, '-o', model, '--latent', '2', '--epochs', '1', '--backend', 'js', '--quiet');
    expect(run.code).toBe(0);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, contents: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return path;
  };

  async function fails(args: string[], code: number, ...parts: string[]): Promise<string> {
    const run = await runCli(...args);
    expect(run.code).toBe(code);
    for (const part of parts) expect(run.stderr).toContain(part);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    return run.stderr;
  }

  it('a NaN cell names the file, row and column', async () => {
    const csv = file('nan.csv', 'a,b\n1,2\n3,NaN\n');
    const stderr = await fails(['train', csv, '-o', join(dir, 'nan.safetensors'), '--backend', 'js'], 1, 'error: ', csv, 'row 3', '"b"');
    expect(stderr).toContain('  hint: ');
  });

  it('a non-numeric cell names the cell', async () => {
    const csv = file('text.csv', 'a,b\n1,2\n3,abc\n');
    await fails(['train', csv, '-o', join(dir, 'text.safetensors')], 1, csv, 'abc');
  });

  it('an empty file', async () => {
    const csv = file('empty.csv', '');
    await fails(['train', csv, '-o', join(dir, 'empty.safetensors')], 1, 'error: ', 'empty.csv');
  });

  it('a truncated .npy file', async () => {
    const bytes = encodeNpy({ data: new Float32Array(40), rows: 10, cols: 4 });
    const npy = file('cut.npy', bytes.subarray(0, bytes.length - 7));
    await fails(['encode', model, npy, '-o', join(dir, 'cut-codes.csv')], 1, 'error: ', 'cut.npy');
  });

  it('a corrupt model file', async () => {
    const bad = file('corrupt.safetensors', 'this is not a model at all, just some text');
    await fails(['info', bad], 1, 'error: ', 'corrupt.safetensors');
    const cut = file('cut.safetensors', readFileSync(model).subarray(0, 200));
    await fails(['encode', cut, data, '-o', join(dir, 'never.csv')], 1, 'error: ', 'cut.safetensors');
  });

  it('a model file from a newer format version', async () => {
    const newer = file(
      'v99.safetensors',
      encodeSafetensors([{ name: 'encoder.0.weight', shape: [2, 4], data: new Float32Array(8) }], {
        format: 'latent',
        format_version: '99',
        config: JSON.stringify({ kind: 'dense', inputDim: 4, hidden: [], latentDim: 2 }),
      }),
    );
    await fails(['info', newer], 1, 'v99.safetensors uses model format version 99', 'hint: upgrade latent');
  });

  it('commander usage errors exit 2', async () => {
    await fails(['train', data, '--no-such-option'], 2, "unknown option '--no-such-option'");
    await fails(['encode', model, '-o', join(dir, 'x.csv')], 2, "missing required argument 'DATA'");
    await fails(['encode', model, data], 2, "required option '-o, --output <CODES>' not specified");
    await fails(['frobnicate'], 2, "unknown command 'frobnicate'");
  });

  it('unknown names list the valid ones', async () => {
    await fails(['train', data, '--activation', 'swish'], 1, 'unknown --activation "swish"', 'relu', 'tanh');
    await fails(['train', data, '--loss', 'huber'], 1, 'unknown --loss "huber"', 'mse, mae, bce');
    await fails(['train', data, '--optimizer', 'lbfgs'], 1, 'unknown --optimizer "lbfgs"', 'adam, adamw, sgd, rmsprop');
    await fails(['train', data, '--backend', 'gpu'], 1, 'unknown --backend "gpu"', 'js, wasm');
    await fails(['train', data, '--epochs', 'ten'], 1, '--epochs "ten" is not a whole number');
    await fails(
      ['train', data, '--scale', 'pooled'],
      1,
      'unknown --scale "pooled"',
      'hint: use one of: none, minmax, standard, standard-pooled',
    );
  });

  it('a latent size larger than the input', async () => {
    await fails(
      ['train', data, '-o', join(dir, 'big.safetensors'), '--latent', '9'],
      1,
      '--latent 9 is larger than the 4 features',
      'choose --latent below 4',
    );
  });

  it('one column of data points to --window, and a 1-D .npy to its shape', async () => {
    const series = file('series.csv', `value\n${Array.from({ length: 30 }, (_, i) => Math.sin(i).toFixed(3)).join('\n')}\n`);
    await fails(
      ['train', series, '-o', join(dir, 'series.safetensors')],
      1,
      'series.csv has 1 feature per row; an autoencoder needs at least 2',
      '--window N',
    );
    const flat = file('flat.npy', encodeNpy({ data: new Float32Array(30), rows: 30, cols: 1 }));
    await fails(['train', flat, '-o', join(dir, 'flat.safetensors')], 1, 'flat.npy has 1 feature per row', 'shape (rows, features)');
  });

  it('a validation split that leaves no rows names the split, the rows and the way out', async () => {
    const tiny = file('tiny.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n');
    await fails(
      ['train', tiny, '-o', join(dir, 'tiny.safetensors')],
      1,
      '--val-split 0.1 of the 3 rows of',
      'leaves no rows for validation',
      'hint: pass --val-split 0',
      '--val-split 0.34',
    );
    await fails(['train', tiny, '-o', join(dir, 'tiny.safetensors'), '--val-split', '0.9'], 1, 'leaves no rows for training');
    const ok = await runCli('train', tiny, '-o', join(dir, 'tiny.safetensors'), '--val-split', '0.34', '--epochs', '1', '--quiet');
    expect(ok.code).toBe(0);
  });

  it('data of another width than the model', async () => {
    const wide = file('wide.csv', 'a,b,c,d,e\n1,2,3,4,5\n');
    await fails(
      ['encode', model, wide, '-o', join(dir, 'wide.csv.out.csv'), '--columns', 'a,b,c,d,e'],
      1,
      'wide.csv has 5 features per row',
      'expects 4',
    );
    const codes = file('codes3.csv', 'z0,z1,z2\n1,2,3\n');
    await fails(['decode', model, codes, '-o', join(dir, 'dec.csv')], 1, 'codes3.csv has 3 values per row', 'latent size 2');
  });

  it('an output type that cannot be written, and resume options that clash', async () => {
    await fails(
      ['encode', model, data, '-o', join(dir, 'codes.xlsx')],
      1,
      'outputs are .csv, .jsonl, .npy, .parquet or - (standard output)',
    );
    await fails(['train', data, '-o', join(dir, 'm.onnx')], 1, 'is saved as a .safetensors file');
    await fails(['train', data, '-o', join(dir, 'r.safetensors'), '--resume', model], 1, 'is a model file, not a checkpoint');
  });

  it('divergence keeps the last good weights, saves them and exits 1', async () => {
    const out = join(dir, 'diverged.safetensors');
    const run = await runCli('train', data, '-o', out, '--optimizer', 'sgd', '--lr', '1e30', '--epochs', '5', '--backend', 'js', '--quiet');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: training diverged');
    expect(run.stderr).toContain(`saved the model with the last good weights`);
    const info = await runCli('info', out);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('training diverged');
  });
});
