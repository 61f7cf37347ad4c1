/**
 * `latent train` streaming its data: when it streams (--stream, --no-stream, file size), that
 * .npy and CSV files train from a stream through the CLI, deterministically from the seed, that a
 * streamed run resumes bit for bit (and streams again without being told) and stops early on its
 * streamed validation loss, that small files keep their in-memory behaviour, and that what needs
 * every row in memory is refused with a hint.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNpy } from '../data/test-utils/npy-bytes.js';
import { VALIDATION_SPLIT_KEY } from '../io/validation-split.js';
import { loadModel } from '../io/model-node.js';
import { loadSafetensorsFile } from '../io/node-files.js';
import { planeData } from '../train/test-utils/plane-data.js';
import { streamsData } from './commands/train-stream.js';
import { main } from './main.js';
import { captureIo, runCli } from './test-utils/capture.js';

const COMMON = ['--latent', '2', '--hidden', '8', '--batch-size', '32', '--seed', '5', '--backend', 'js', '--quiet', '--force'];

function weights(path: string): Float32Array[] {
  return [...loadSafetensorsFile(path).tensors.values()].map((t) => t.data);
}

describe('latent train from a stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-train-stream-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const x = planeData(700, 3);
  const npy = join(dir, 'plane.npy');
  writeFileSync(npy, buildNpy({ descr: '<f4', shape: [x.rows, x.cols], body: new Uint8Array(x.data.buffer) }));
  const csv = join(dir, 'plane.csv');
  const lines = ['id,a,b,c,d,e,f'];
  for (let r = 0; r < x.rows; r++) lines.push(`row${r},${Array.from(x.data.subarray(r * 6, r * 6 + 6)).join(',')}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const out = (name: string): string => join(dir, name);

  it('streams when asked, when the file is above the threshold, and not otherwise', () => {
    expect(streamsData(npy, true)).toBe(true);
    expect(streamsData(npy, false, 10)).toBe(false);
    expect(streamsData(npy, undefined)).toBe(false);
    expect(streamsData(npy, undefined, 1000)).toBe(true);
    expect(streamsData(csv, undefined, 1000)).toBe(true);
    expect(streamsData('-', undefined, 0)).toBe(false);
    expect(streamsData(join(dir, 'missing.npy'), undefined, 0)).toBe(false);
  });

  it('trains from a streamed .npy, the same model from the same seed, another from another seed', async () => {
    const first = await runCli(
      'train',
      npy,
      '--stream',
      '-o',
      out('a.safetensors'),
      '--epochs',
      '3',
      ...COMMON.filter((f) => f !== '--quiet'),
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('700 samples × 6 features, streamed');
    expect((await runCli('train', npy, '--stream', '-o', out('b.safetensors'), '--epochs', '3', ...COMMON)).code).toBe(0);
    expect(weights(out('b.safetensors'))).toEqual(weights(out('a.safetensors')));
    const other = [...COMMON];
    other[other.indexOf('--seed') + 1] = '6';
    expect((await runCli('train', npy, '--stream', '-o', out('c.safetensors'), '--epochs', '3', ...other)).code).toBe(0);
    expect(weights(out('c.safetensors'))).not.toEqual(weights(out('a.safetensors')));
    const loaded = loadModel(out('a.safetensors'));
    expect(loaded.training?.options).toMatchObject({ stream: true });
    expect(loaded.training?.samples).toBe(700);
    expect(loaded.training?.finalValLoss).toBeGreaterThan(0);
    // The hashed split is not the shuffled one the file format records.
    expect(loaded.extra[VALIDATION_SPLIT_KEY]).toBeUndefined();
    expect(loaded.model.scaler?.kind).toBe('standard');
  });

  it('trains from a streamed CSV, leaving the text column out', async () => {
    const run = await runCli(
      'train',
      csv,
      '--stream',
      '-o',
      out('csv.safetensors'),
      '--epochs',
      '2',
      ...COMMON.filter((f) => f !== '--quiet'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('left out the non-numeric column "id"');
    expect(run.stdout).toContain('700 samples × 6 features, streamed');
    expect(loadModel(out('csv.safetensors')).training?.columns).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('resumes a streamed run bit for bit, streaming again without --stream', async () => {
    const straight = out('straight.safetensors');
    const checkpoint = out('ckpt.safetensors');
    expect((await runCli('train', npy, '--stream', '-o', straight, '--epochs', '4', ...COMMON)).code).toBe(0);
    const half = ['train', npy, '--stream', '-o', out('half.safetensors'), '--epochs', '2', '--checkpoint', checkpoint, ...COMMON];
    expect((await runCli(...half)).code).toBe(0);
    const resumed = await runCli('train', npy, '--resume', checkpoint, '--epochs', '4', '-o', out('resumed.safetensors'), '--force');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('streamed');
    expect(weights(out('resumed.safetensors'))).toEqual(weights(straight));
  });

  it('stops early on the streamed validation loss and keeps the best epoch', async () => {
    const run = ['train', npy, '--stream', '-o', out('early.safetensors'), '--epochs', '60', '--patience', '2', '--lr', '0.05'];
    expect((await runCli(...run, ...COMMON)).code).toBe(0);
    const training = loadModel(out('early.safetensors')).training;
    expect(training?.stoppedEarly).toBe(true);
    expect(training?.epochs).toBeLessThan(60);
    expect(training?.bestEpoch).toBe((training?.epochs ?? 0) - 2);
  });

  it('keeps the in-memory run for small files: the default equals --no-stream, and differs from --stream', async () => {
    expect((await runCli('train', npy, '-o', out('d.safetensors'), '--epochs', '2', ...COMMON)).code).toBe(0);
    expect((await runCli('train', npy, '--no-stream', '-o', out('e.safetensors'), '--epochs', '2', ...COMMON)).code).toBe(0);
    expect((await runCli('train', npy, '--stream', '-o', out('f.safetensors'), '--epochs', '2', ...COMMON)).code).toBe(0);
    expect(weights(out('d.safetensors'))).toEqual(weights(out('e.safetensors')));
    expect(weights(out('d.safetensors'))).not.toEqual(weights(out('f.safetensors')));
    expect(loadModel(out('d.safetensors')).extra[VALIDATION_SPLIT_KEY]).toBeDefined();
  });

  it.each([
    [['--report', 'r.html'], '--report needs every row in memory'],
    [['--threshold-rule', 'contamination:0.05'], '--threshold-rule needs every row in memory'],
  ])('refuses %j with a streamed DATA', async (flags, message) => {
    const run = await runCli('train', npy, '--stream', '-o', out('g.safetensors'), ...flags, ...COMMON);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('leave out --stream');
  });

  it('streams standard input from a temporary copy: the same model as from the file, and the copy removed', async () => {
    const fromFile = out('file.safetensors');
    const fromPipe = out('pipe.safetensors');
    expect((await runCli('train', npy, '--stream', '-o', fromFile, '--epochs', '2', ...COMMON)).code).toBe(0);
    const io = captureIo();
    const inStream = Readable.from([readFileSync(npy)]);
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('latent-stdin-')));
    const args = ['train', '-', '--stream', '-o', fromPipe, '--epochs', '2', ...COMMON.filter((f) => f !== '--quiet')];
    expect(await main(['node', 'latent', ...args], { ...io, inStream })).toBe(0);
    expect(io.stdout).toContain('on - (700 samples × 6 features, streamed)');
    expect(weights(fromPipe)).toEqual(weights(fromFile));
    expect(loadModel(fromPipe).training?.source).toBe('-');
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('latent-stdin-') && !before.has(n))).toEqual([]);
  });

  it('refuses to continue a streamed run from standard input without --stream', async () => {
    const checkpoint = out('pipe-ckpt.safetensors');
    expect(
      (await runCli('train', npy, '--stream', '-o', out('j.safetensors'), '--epochs', '1', '--checkpoint', checkpoint, ...COMMON)).code,
    ).toBe(0);
    const io = captureIo();
    const args = ['train', '-', '--resume', checkpoint, '--epochs', '2', '-o', out('k.safetensors'), '--force'];
    expect(await main(['node', 'latent', ...args], { ...io, inStream: Readable.from([readFileSync(npy)]) })).not.toBe(0);
    expect(io.stderr).toContain('a streamed run cannot continue from standard input without a copy');
    expect(io.stderr).toContain('pass --stream');
  });

  it('refuses --stream for time series', async () => {
    const series = await runCli('train', csv, '--stream', '--window', '8', '-o', out('i.safetensors'), ...COMMON);
    expect(series.stderr).toContain('--stream does not apply to time series');
  });
});
