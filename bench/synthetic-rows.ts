/**
 * Data the large-file benchmarks generate at run time (nothing this size is stored): rows with
 * structure an autoencoder can learn, written as CSV text, the model they score it with, and the
 * benchmarks' numeric options.
 *
 * Invariant: the same Rng state and mixing matrix give the same rows, whichever writer asks.
 */

import { createWriteStream } from 'node:fs';
import { main } from '../src/cli/main.js';
import type { Rng } from '../src/tensor/rng.js';

/** Columns of every generated row. */
export const COLS = 30;

/** Hidden factors mixed into the columns. */
const FACTORS = 8;

/**
 * `--name N` from the command line, or `fallback`.
 *
 * @example
 * const gb = numberOption(process.argv.slice(2), '--csv-gb', 1.2);
 */
export function numberOption(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** A mixing matrix (FACTORS × COLS) drawn from `rng`. */
export function mixingMatrix(rng: Rng): Float32Array {
  return Float32Array.from({ length: FACTORS * COLS }, () => rng.uniform() * 2 - 1);
}

/** `rows` rows (row-major, COLS each): FACTORS hidden factors mixed into the columns, plus noise. */
export function rowsChunk(rng: Rng, rows: number, mix: Float32Array): Float32Array {
  const out = new Float32Array(rows * COLS);
  const z = new Float32Array(FACTORS);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < FACTORS; k++) z[k] = rng.uniform() * 2 - 1;
    for (let c = 0; c < COLS; c++) {
      let v = 0.05 * (rng.uniform() - 0.5);
      for (let k = 0; k < FACTORS; k++) v += z[k]! * mix[k * COLS + c]!;
      out[r * COLS + c] = v;
    }
  }
  return out;
}

/**
 * Write a CSV of at least `bytes` bytes (a header x0..x29, then rows with 6 significant digits);
 * returns its row count.
 */
export async function writeCsv(path: string, bytes: number, rng: Rng, mix: Float32Array): Promise<number> {
  const stream = createWriteStream(path);
  const batch = 20_000;
  let written = 0;
  let rows = 0;
  stream.write(`${Array.from({ length: COLS }, (_, i) => `x${i}`).join(',')}\n`);
  while (written < bytes) {
    const values = rowsChunk(rng, batch, mix);
    const lines: string[] = [];
    for (let r = 0; r < batch; r++) lines.push(Array.from(values.subarray(r * COLS, (r + 1) * COLS), (v) => v.toPrecision(6)).join(','));
    const text = `${lines.join('\n')}\n`;
    written += text.length;
    rows += batch;
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => stream.end(() => resolve()));
  return rows;
}

/**
 * Train the model a benchmark scores with: `latent train DATA -o MODEL --epochs 3`, plus
 * `extraArgs` (e.g. `--threshold-rule contamination:0.01`, which stores a threshold so that
 * scoring streams in one pass).
 */
export async function trainScoringModel(data: string, model: string, extraArgs: readonly string[] = []): Promise<void> {
  const code = await main(['node', 'latent', 'train', data, '-o', model, '--epochs', '3', ...extraArgs, '--quiet', '--force']);
  if (code !== 0) throw new Error(`latent train ${data} failed`);
}
