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
import { rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matrix } from '../src/data/matrix.js';
import { openRowSink } from '../src/data/sinks/row-sink.js';
import { Rng } from '../src/tensor/rng.js';
import { COLS, mixingMatrix, numberOption, rowsChunk, trainScoringModel, writeCsv } from './synthetic-rows.js';

const args = process.argv.slice(2);
const npyGb = numberOption(args, '--npy-gb', 2.5);
const csvGb = numberOption(args, '--csv-gb', 1.2);
const sliceRows = numberOption(args, '--slice-rows', 2_000_000);
const rounds = numberOption(args, '--rounds', 2);
const dir = join(tmpdir(), `latent-bench-streaming-${process.pid}`);
// A threshold stored in the model lets `latent score` stream in one pass.
const STORED_THRESHOLD = ['--threshold-rule', 'contamination:0.01'];
const log = (text: string): void => void process.stderr.write(`${text}\n`);

function child(...rest: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'streaming-child.ts'), ...rest], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
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

async function runBench(): Promise<void> {
  const fs = statfsSync(tmpdir());
  const free = (fs.bavail * fs.bsize) / 1e9;
  const needed = npyGb * 1.2 + Math.max(0, csvGb) + 0.5;
  if (free < needed) throw new Error(`${tmpdir()} has ${free.toFixed(1)} GB free; this benchmark needs about ${needed.toFixed(1)} GB`);
  execFileSync('mkdir', ['-p', dir]);
  const rng = new Rng(7);
  const mix = mixingMatrix(rng);
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
    await trainScoringModel(slice, model, STORED_THRESHOLD);
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
    await trainScoringModel(csvSlice, csvModel, STORED_THRESHOLD);
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
