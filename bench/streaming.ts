/**
 * Data of any size: training and scoring from files larger than memory would allow, with each job
 * in its own process for its own peak RSS (bench/streaming-child.ts).
 *
 *   npm run bench:streaming -- [--npy-gb 2.5] [--csv-gb 1.2] [--slice-rows 2000000] [--rounds 2]
 *
 * 1. A float32 .npy of --npy-gb GB with 30 columns (random data with a little structure).
 * 2. One epoch streamed from it (W: 30→64→8→64→30, ReLU, Adam, batch 256), and one epoch in memory
 *    on its first --slice-rows rows: samples/s side by side, and peak RSS; --rounds pairs,
 *    interleaved (streamed, in memory, streamed, …), as the machine's load drifts.
 * 3. `latent train --stream` on the whole .npy, one epoch (as the CLI runs on files over 1 GiB):
 *    peak RSS, with the scaler pass and the validation pass.
 * 4. `latent score` over the whole .npy (a model trained on the slice, stored threshold).
 * 5. A CSV of --csv-gb GB (30 columns) scored by `latent score`, against csv-parse alone
 *    (--csv-gb 0 leaves this part out).
 * Files go to /tmp and are deleted at the end. Prints a Markdown table for BENCHMARKS.md.
 */

import { execFileSync } from 'node:child_process';
import { createWriteStream, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { matrix } from '../src/data/matrix.js';
import { openRowSink } from '../src/data/sinks/row-sink.js';
import { Rng } from '../src/tensor/rng.js';

const COLS = 30;
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const npyGb = option('--npy-gb', 2.5);
const csvGb = option('--csv-gb', 1.2);
const sliceRows = option('--slice-rows', 2_000_000);
const rounds = option('--rounds', 2);
const dir = join(tmpdir(), `latent-bench-streaming-${process.pid}`);
const log = (text: string): void => void process.stderr.write(`${text}\n`);

function child(...rest: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'streaming-child.ts'), ...rest], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** Rows with structure an autoencoder can learn: 8 hidden factors mixed into 30 columns, plus noise. */
function rowsChunk(rng: Rng, rows: number, mix: Float32Array): Float32Array {
  const out = new Float32Array(rows * COLS);
  const z = new Float32Array(8);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 8; k++) z[k] = rng.uniform() * 2 - 1;
    for (let c = 0; c < COLS; c++) {
      let v = 0.05 * (rng.uniform() - 0.5);
      for (let k = 0; k < 8; k++) v += z[k]! * mix[k * COLS + c]!;
      out[r * COLS + c] = v;
    }
  }
  return out;
}

async function writeNpy(path: string, rows: number, rng: Rng, mix: Float32Array): Promise<void> {
  const sink = await openRowSink(path, { text: [], numbers: Array.from({ length: COLS }, (_, i) => `x${i}`) }, { overwrite: true });
  const step = 100_000;
  for (let start = 0; start < rows; start += step) {
    const n = Math.min(step, rows - start);
    await sink.write({ text: [], numbers: matrix(rowsChunk(rng, n, mix), n, COLS) });
  }
  await sink.close();
}

async function writeCsv(path: string, bytes: number, rng: Rng, mix: Float32Array): Promise<number> {
  const stream = createWriteStream(path);
  let written = 0;
  let rows = 0;
  stream.write(`${Array.from({ length: COLS }, (_, i) => `x${i}`).join(',')}\n`);
  while (written < bytes) {
    const values = rowsChunk(rng, 20_000, mix);
    const lines: string[] = [];
    for (let r = 0; r < 20_000; r++) lines.push(Array.from(values.subarray(r * COLS, (r + 1) * COLS), (v) => v.toPrecision(6)).join(','));
    const text = `${lines.join('\n')}\n`;
    written += text.length;
    rows += 20_000;
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => stream.end(() => resolve()));
  return rows;
}

async function runBench(): Promise<void> {
  const fs = statfsSync(tmpdir());
  const free = (fs.bavail * fs.bsize) / 1e9;
  const needed = npyGb * 1.2 + Math.max(0, csvGb) + 0.5;
  if (free < needed) throw new Error(`${tmpdir()} has ${free.toFixed(1)} GB free; this benchmark needs about ${needed.toFixed(1)} GB`);
  execFileSync('mkdir', ['-p', dir]);
  const rng = new Rng(7);
  const mix = Float32Array.from({ length: 8 * COLS }, () => rng.uniform() * 2 - 1);
  try {
    const npy = join(dir, 'big.npy');
    const rows = Math.floor((npyGb * 1e9) / (COLS * 4));
    log(`writing ${npy}: ${rows} rows × ${COLS} float32 (${npyGb} GB)`);
    await writeNpy(npy, rows, rng, mix);
    const pairs: { stream: Record<string, number>; memory: Record<string, number> }[] = [];
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}: one epoch streamed …`);
      const stream = child('train-stream', npy);
      log(`  ${JSON.stringify(stream)}`);
      log(`round ${round}: one epoch in memory on ${sliceRows} rows …`);
      const memory = child('train-memory', npy, String(sliceRows));
      log(`  ${JSON.stringify(memory)}`);
      pairs.push({ stream, memory });
    }
    const { stream } = pairs[0]!;
    log('latent train, one epoch …');
    const trainCli = child('train-cli', npy, join(dir, 'cli.safetensors'));
    log(`  ${JSON.stringify(trainCli)}`);

    const slice = join(dir, 'slice.npy');
    await writeNpy(slice, 200_000, new Rng(8), mix);
    const model = join(dir, 'm.safetensors');
    // --threshold-rule stores the threshold in the model, so scoring streams.
    const trained = await main([
      'node',
      'latent',
      'train',
      slice,
      '-o',
      model,
      '--epochs',
      '3',
      '--threshold-rule',
      'contamination:0.01',
      '--quiet',
      '--force',
    ]);
    if (trained !== 0) throw new Error('latent train failed');
    log('scoring the .npy …');
    const scoreNpy = child('score', model, npy, join(dir, 'scores.npy'));
    log(`  ${JSON.stringify(scoreNpy)}`);
    rmSync(npy);
    const mb = (gb: number, seconds: number): string => ((gb * 1e3) / seconds).toFixed(1);
    const lines = [
      `| job | data | time | throughput | peak RSS |`,
      `| --- | --- | --- | --- | --- |`,
      `| scaler pass (streamed) | ${npyGb} GB .npy, ${rows} × ${COLS} | ${stream.prepareSeconds!.toFixed(1)} s | ${mb(npyGb, stream.prepareSeconds!)} MB/s | (in the epoch's process) |`,
      ...pairs.flatMap(({ stream: s, memory: m }, i) => [
        `| one epoch, streamed (round ${i + 1}) | ${npyGb} GB .npy | ${s.seconds!.toFixed(1)} s | ${Math.round(s.samplesPerSecond!)} samples/s | ${s.peakMiB} MiB |`,
        `| one epoch, in memory (round ${i + 1}) | first ${m.rows} rows | ${m.seconds!.toFixed(1)} s | ${Math.round(m.samplesPerSecond!)} samples/s | ${m.peakMiB} MiB |`,
      ]),
      `| \`latent train --epochs 1 --stream\` (all passes) | ${npyGb} GB .npy | ${trainCli.seconds!.toFixed(1)} s | ${mb(npyGb, trainCli.seconds!)} MB/s | ${trainCli.peakMiB} MiB |`,
      `| \`latent score\` | ${npyGb} GB .npy | ${scoreNpy.seconds!.toFixed(1)} s | ${mb(npyGb, scoreNpy.seconds!)} MB/s | ${scoreNpy.peakMiB} MiB |`,
    ];
    const ratios = pairs.map(({ stream: s, memory: m }) => `${((100 * s.samplesPerSecond!) / m.samplesPerSecond!).toFixed(0)}%`);
    const summary = `streamed / in-memory samples/s, per round: ${ratios.join(', ')}`;
    if (csvGb <= 0) {
      process.stdout.write(`${lines.join('\n')}\n\n${summary}\n`);
      return;
    }

    const csv = join(dir, 'big.csv');
    log(`writing ${csv} (${csvGb} GB) …`);
    const csvRows = await writeCsv(csv, csvGb * 1e9, rng, mix);
    const csvModel = join(dir, 'csv.safetensors');
    const csvSlice = join(dir, 'slice.csv');
    await writeCsv(csvSlice, 20e6, new Rng(9), mix);
    const csvTrain = [
      'node',
      'latent',
      'train',
      csvSlice,
      '-o',
      csvModel,
      '--epochs',
      '3',
      '--threshold-rule',
      'contamination:0.01',
      '--quiet',
      '--force',
    ];
    if ((await main(csvTrain)) !== 0) throw new Error('latent train failed');
    log('scoring the CSV …');
    const scoreCsv = child('score', csvModel, csv, join(dir, 'scores.csv'));
    log(`  ${JSON.stringify(scoreCsv)}`);
    log('csv-parse alone …');
    const parseOnly = child('csv-parse', csv);
    log(`  ${JSON.stringify(parseOnly)}`);

    lines.push(
      `| \`latent score\` | ${csvGb} GB CSV, ${csvRows} rows | ${scoreCsv.seconds!.toFixed(1)} s | ${mb(csvGb, scoreCsv.seconds!)} MB/s | ${scoreCsv.peakMiB} MiB |`,
      `| csv-parse alone (the limit) | ${csvGb} GB CSV | ${parseOnly.seconds!.toFixed(1)} s | ${mb(csvGb, parseOnly.seconds!)} MB/s | ${parseOnly.peakMiB} MiB |`,
    );
    process.stdout.write(`${lines.join('\n')}\n\n${summary}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runBench();
