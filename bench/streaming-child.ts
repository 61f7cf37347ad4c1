/**
 * One measured job of bench/streaming.ts, in its own process so its peak RSS is its own:
 *   train-stream NPY        one epoch streamed from the .npy file (scaler pass timed apart)
 *   train-memory NPY ROWS   one epoch in memory on the first ROWS rows of the file
 *   train-cli NPY MODEL     `latent train NPY --epochs 1 --stream` (as it runs on files over 1 GiB)
 *   score MODEL DATA OUT    `latent score` (streams: the model stores its threshold)
 *   csv-parse CSV           csv-parse's streaming parser alone over the file (the limit)
 * Prints one JSON line: the figures and the peak RSS in MiB.
 */

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { main } from '../src/cli/main.js';
import { collectRows } from '../src/data/sources/collect.js';
import { matrixSource } from '../src/data/sources/matrix-source.js';
import { openRowSource } from '../src/data/sources/open-source.js';
import { matrix } from '../src/data/matrix.js';
import { DenseAutoencoder, denseConfig } from '../src/models/index.js';
import { fit } from '../src/train/index.js';
import { prepareStream } from '../src/train/stream-batches.js';

const BATCH = 256;
const model = (cols: number): DenseAutoencoder =>
  new DenseAutoencoder(denseConfig({ inputDim: cols, hidden: [64], latentDim: 8, activation: 'relu', seed: 1 }));
const peakMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function run(): Promise<Record<string, number>> {
  const [mode, a, b, c] = process.argv.slice(2);
  if (mode === 'train-stream') {
    const source = await openRowSource(a!);
    let t = performance.now();
    const { rows, scaler } = await prepareStream(source, 'standard');
    const prepareSeconds = (performance.now() - t) / 1000;
    const m = model(source.columns.length);
    m.scaler = scaler ?? null;
    t = performance.now();
    const history = await fit(m, rows.range, { stream: rows, epochs: 1, batchSize: BATCH, seed: 1 });
    const seconds = (performance.now() - t) / 1000;
    return { rows: rows.trainRows, prepareSeconds, seconds, samplesPerSecond: history.epochs[0]!.samplesPerSecond, peakMiB: peakMiB() };
  }
  if (mode === 'train-memory') {
    const source = await openRowSource(a!);
    const limit = Number(b);
    const chunks = [];
    let rows = 0;
    for await (const chunk of source.chunks()) {
      chunks.push(chunk.x);
      rows += chunk.x.rows;
      if (rows >= limit) break;
    }
    const cols = source.columns.length;
    const data = new Float32Array(rows * cols);
    let at = 0;
    for (const x of chunks) {
      data.set(x.data, at);
      at += x.data.length;
    }
    const x = (await collectRows(matrixSource({ x: matrix(data, rows, cols), columns: [...source.columns], source: a! }))).x;
    const m = model(cols);
    const t = performance.now();
    const history = await fit(m, x, { epochs: 1, batchSize: BATCH, seed: 1, scaler: 'standard' });
    return { rows, seconds: (performance.now() - t) / 1000, samplesPerSecond: history.epochs[0]!.samplesPerSecond, peakMiB: peakMiB() };
  }
  if (mode === 'train-cli') {
    const t = performance.now();
    const shape = ['--hidden', '64', '--latent', '8', '--activation', 'relu', '--batch-size', String(BATCH)];
    const code = await main(['node', 'latent', 'train', a!, '-o', b!, '--epochs', '1', '--stream', ...shape, '--force', '--quiet']);
    if (code !== 0) throw new Error(`latent train exited ${code}`);
    return { seconds: (performance.now() - t) / 1000, peakMiB: peakMiB() };
  }
  if (mode === 'score') {
    const t = performance.now();
    const code = await main(['node', 'latent', 'score', a!, b!, '-o', c!, '--force', '--quiet']);
    if (code !== 0) throw new Error(`latent score exited ${code}`);
    return { seconds: (performance.now() - t) / 1000, peakMiB: peakMiB() };
  }
  if (mode === 'csv-parse') {
    const t = performance.now();
    let records = 0;
    for await (const _ of createReadStream(a!).pipe(
      parse({ delimiter: ',', bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }),
    ))
      records++;
    return { records, seconds: (performance.now() - t) / 1000, peakMiB: peakMiB() };
  }
  throw new Error(`unknown mode ${mode}`);
}

run().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
