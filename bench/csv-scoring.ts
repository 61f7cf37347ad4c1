/**
 * Scoring a large CSV: `latent score` against csv-parse alone (the limit) on the same file, each
 * job in its own process (bench/csv-scoring-child.ts) for its own peak RSS and CPU time.
 *
 *   npm run bench:csv -- [--csv-gb 1.2]
 *
 * 1. A CSV of --csv-gb GB, 30 columns (8 hidden factors mixed, plus noise; 6 significant digits),
 *    written to /tmp; a model trained on a 20 MB slice, once with a stored threshold and once
 *    without.
 * 2. Jobs: csv-parse alone; latent's CSV reader alone; `latent score` file → file (stored
 *    threshold: one pass); the same from standard input to standard output (a pipe); and
 *    `latent score` file → file with a model that stores no threshold (two passes: a sample, then
 *    scoring).
 * Files are deleted at the end. Prints a Markdown table for BENCHMARKS.md: wall time, MB/s, CPU
 * seconds (user + system, all threads: on a shared machine the fairer figure) and peak RSS.
 */

import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/tensor/rng.js';
import { COLS, mixingMatrix, numberOption, trainScoringModel, writeCsv } from './synthetic-rows.js';

const args = process.argv.slice(2);
const csvGb = numberOption(args, '--csv-gb', 1.2);
const log = (text: string): void => void process.stderr.write(`${text}\n`);

type Figures = Record<string, number>;

/** Run one job in its own process; `stdin`/`stdout` are file paths to connect, when given. */
async function child(dir: string, jobArgs: string[], pipes: { stdin?: string; stdout?: string } = {}): Promise<Figures> {
  const result = join(dir, 'result.json');
  const stdin = pipes.stdin === undefined ? 'ignore' : openSync(pipes.stdin, 'r');
  const stdout = pipes.stdout === undefined ? 'ignore' : openSync(pipes.stdout, 'w');
  try {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'csv-scoring-child.ts'), ...jobArgs, result], {
      stdio: [stdin, stdout, 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    if (code !== 0) throw new Error(`job ${jobArgs.join(' ')} exited ${code}`);
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    if (typeof stdout === 'number') closeSync(stdout);
  }
  return JSON.parse(readFileSync(result, 'utf8')) as Figures;
}

async function runBench(): Promise<void> {
  const fs = statfsSync(tmpdir());
  const free = (fs.bavail * fs.bsize) / 1e9;
  // The CSV, its scores (about a tenth of its size) and a copy of standard input for two passes.
  const needed = csvGb * 2.3 + 0.2;
  if (free < needed) throw new Error(`${tmpdir()} has ${free.toFixed(1)} GB free; this benchmark needs about ${needed.toFixed(1)} GB`);
  const dir = mkdtempSync(join(tmpdir(), 'latent-bench-csv-'));
  try {
    const rng = new Rng(7);
    const mix = mixingMatrix(rng);
    const csv = join(dir, 'big.csv');
    log(`writing ${csv} (${csvGb} GB) …`);
    const rows = await writeCsv(csv, csvGb * 1e9, rng, mix);
    const gb = statSync(csv).size / 1e9;
    const slice = join(dir, 'slice.csv');
    await writeCsv(slice, 20e6, new Rng(9), mix);
    const stored = join(dir, 'stored.safetensors');
    const plain = join(dir, 'plain.safetensors');
    await trainScoringModel(slice, stored, ['--threshold-rule', 'contamination:0.01']);
    await trainScoringModel(slice, plain);
    const scores = join(dir, 'scores.csv');
    const jobs: [string, string, () => Promise<Figures>][] = [
      ['csv-parse alone (the limit)', 'file', () => child(dir, ['csv-parse', csv])],
      ["latent's CSV reader alone", 'file → float32 chunks', () => child(dir, ['reader', csv])],
      ['`latent score`, stored threshold', 'file → file', () => child(dir, ['score', stored, csv, scores])],
      ['`latent score`, stored threshold', 'stdin → stdout', () => child(dir, ['score', stored, '-', '-'], { stdin: csv, stdout: scores })],
      ['`latent score`, no stored threshold (two passes)', 'file → file', () => child(dir, ['score', plain, csv, scores])],
    ];
    const lines = [
      `${gb.toFixed(2)} GB CSV, ${rows} rows × ${COLS} columns; load average before the jobs ${loadavg()[0]!.toFixed(1)}`,
      '',
      '| job | data | wall time | MB/s (wall) | CPU s | MB per CPU s | peak RSS |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const [name, what, job] of jobs) {
      log(`${name} (${what}) …`);
      const f = await job();
      log(`  ${JSON.stringify(f)}`);
      const mbs = (gb * 1e3) / f.seconds!;
      const mbPerCpu = (gb * 1e3) / f.cpuSeconds!;
      lines.push(
        `| ${name} | ${what} | ${f.seconds!.toFixed(1)} s | ${mbs.toFixed(1)} | ${f.cpuSeconds!.toFixed(1)} | ${mbPerCpu.toFixed(1)} | ${f.peakMiB} MiB |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runBench();
