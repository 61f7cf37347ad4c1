/**
 * `latent sweep DATA --latent 2,4,8,16`: which code size to choose. Trains one autoencoder and
 * fits one PCA per size on the same seeded training split, and prints their validation
 * reconstruction errors and explained fractions side by side; the smallest size whose
 * autoencoder error is within the tolerance of the best is marked as the suggestion.
 */

import type { Command } from 'commander';
import { LatentError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { sweepReport } from '../../report/sweep-report.js';
import { sweep, type SweepRow } from '../../tasks/sweep.js';
import { loadOptions, setupBackend, skippedColumnsNote, type DataFlags } from '../common.js';
import type { CommandContext } from '../context.js';
import { readDataset } from '../read-data.js';
import { formatDuration, formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { checkReportOutput } from '../outputs.js';
import { parseInteger, parseIntegerList, parseNumber } from '../options.js';
import { taskProgress } from './task-progress.js';

export interface SweepFlags extends DataFlags {
  readonly latent: string;
  readonly epochs?: string;
  readonly seed?: string;
  readonly valSplit?: string;
  readonly tolerance?: string;
  readonly backend?: string;
  readonly report?: string;
  readonly force?: boolean;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

export const SWEEP_DEFAULTS = { valSplit: 0.2, tolerance: 0.05, seed: 42 } as const;

/** Add `sweep` to the program. */
export function registerSweep(program: Command, context: CommandContext): void {
  const d = SWEEP_DEFAULTS;
  program
    .command('sweep')
    .summary('compare latent sizes: autoencoder vs PCA validation error per size')
    .description(
      'Train one autoencoder and fit one PCA per latent size on the same training split of DATA, and print the ' +
        'validation reconstruction error (MSE per feature, scaled units) and the fraction of variance explained of ' +
        `each. The smallest size whose autoencoder error is within --tolerance of the best is marked with *.`,
    )
    .argument('<DATA>', 'data file (.csv, .npy, .npz, ...) or mnist')
    .requiredOption('--latent <sizes>', 'latent sizes to try, comma-separated, e.g. 2,4,8,16,32')
    .option('--epochs <n>', 'epochs per autoencoder (default: about 5000 optimizer steps)')
    .option('--seed <n>', `seed of the split, the weights and the shuffling (default: ${d.seed})`)
    .option('--val-split <fraction>', `fraction of rows held out to measure the errors (default: ${d.valSplit})`)
    .option('--tolerance <fraction>', `how close to the best error the suggested size must be (default: ${d.tolerance}, i.e. 5%)`)
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('--report <file.html>', 'also write a self-contained HTML report: error against latent size beside PCA, and the table')
    .option('-f, --force', 'replace an existing report file')
    .option('-q, --quiet', 'no progress output')
    .option('--json', 'print the results as one JSON object on standard output (no progress)')
    .action(async (data: string, flags: SweepFlags) => {
      context.setExitCode(await runSweep(data, flags, context.io, context.commandLine));
    });
}

/**
 * Index of the smallest latent size whose autoencoder error is within `tolerance` of the best.
 *
 * @example
 * suggestedRow(rows, 0.05); // 2 when sizes 2,4,8,16 give errors 0.5, 0.3, 0.21, 0.2
 */
export function suggestedRow(rows: readonly SweepRow[], tolerance: number): number {
  const best = Math.min(...rows.map((r) => r.aeValError));
  let pick = -1;
  rows.forEach((r, i) => {
    if (r.aeValError <= best * (1 + tolerance) && (pick < 0 || r.latent < rows[pick]!.latent)) pick = i;
  });
  return pick;
}

export async function runSweep(data: string, flags: SweepFlags, io: Io, command = `latent sweep ${data}`): Promise<number> {
  const d = SWEEP_DEFAULTS;
  const sizes = parseIntegerList('--latent', flags.latent, { min: 1 });
  if (sizes.length === 0) throw new LatentError(`--latent "${flags.latent}" lists no sizes`, 'e.g. --latent 2,4,8,16');
  const epochs = flags.epochs === undefined ? undefined : parseInteger('--epochs', flags.epochs, { min: 1 });
  const seed = flags.seed === undefined ? d.seed : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 });
  const valSplit =
    flags.valSplit === undefined
      ? d.valSplit
      : parseNumber('--val-split', flags.valSplit, { min: 0, max: 1, aboveMin: true, belowMax: true });
  const tolerance = flags.tolerance === undefined ? d.tolerance : parseNumber('--tolerance', flags.tolerance, { min: 0 });
  if (flags.report !== undefined) checkReportOutput(flags.report, flags.force === true);
  const options = loadOptions(flags, data);
  const backend = await setupBackend(flags.backend);
  const dataset = await readDataset(data, options, io);
  const x = dataset.x;
  const tooBig = sizes.filter((s) => s >= x.cols);
  if (tooBig.length > 0) {
    throw new LatentError(
      `--latent ${tooBig.join(',')}: a code size must be below the ${x.cols} features of ${dataset.source}`,
      `choose sizes from 1 to ${x.cols - 1}`,
    );
  }
  const json = flags.json === true;
  const quiet = flags.quiet === true || json;
  if (!quiet) {
    io.out(
      skippedColumnsNote(dataset) +
        `sweeping latent sizes ${sizes.join(', ')} on ${dataset.source} (${x.rows} rows × ${x.cols} features, ${Math.round(valSplit * 100)}% held out, backend ${backend.name})\n`,
    );
  }
  const progress = taskProgress(io, quiet);
  let rows: SweepRow[];
  try {
    rows = await sweep(x, sizes, {
      seed,
      validationFraction: valSplit,
      ...(epochs === undefined ? {} : { epochs }),
      onBatchEnd: progress.onBatchEnd,
      onEpochEnd: progress.onEpochEnd,
      onSize: (row, index, total) => {
        if (!quiet)
          io.out(
            `size ${row.latent} (${index + 1}/${total}): autoencoder ${formatLoss(row.aeValError)}, PCA ${formatLoss(row.pcaValError)}, ${formatDuration(row.seconds)}\n`,
          );
      },
    });
  } finally {
    progress.stop();
  }
  const suggested = suggestedRow(rows, tolerance);
  if (json) {
    io.out(
      `${JSON.stringify({ data: dataset.source, rows: x.rows, features: x.cols, tolerance, suggested: rows[suggested]?.latent ?? null, sizes: rows }, null, 2)}\n`,
    );
  } else {
    io.out(sweepTable(rows, suggested, tolerance));
  }
  if (flags.report !== undefined) {
    const html = sweepReport({
      title: `latent sweep ${data}`,
      command,
      dataWords: `${dataset.source}: ${x.rows} rows × ${x.cols} features, ${Math.round(valSplit * 100)}% held out (seed ${seed}).`,
      rows,
      suggested,
      tolerance,
    });
    writeFileAtomic(flags.report, html, { overwrite: flags.force === true });
    // With --json standard output holds only the JSON object.
    (json ? io.err : io.out)(`wrote report to ${flags.report}\n`);
  }
  return 0;
}

/** The result table; the suggested row is marked with `*`. */
export function sweepTable(rows: readonly SweepRow[], suggested: number, tolerance: number): string {
  const header = ['latent', 'AE val MSE', 'PCA val MSE', 'AE explained', 'PCA explained', 'AE epochs'];
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const body = rows.map((r, i) => [
    `${i === suggested ? '*' : ' '}${r.latent}`,
    formatLoss(r.aeValError),
    formatLoss(r.pcaValError),
    pct(r.aeExplained),
    pct(r.pcaExplained),
    String(r.epochs),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const lines = all.map((row) => `  ${row.map((cell, c) => cell.padStart(widths[c]!)).join('   ')}\n`);
  const pick = rows[suggested];
  const note =
    pick === undefined
      ? ''
      : `* latent ${pick.latent}: the smallest size within ${Math.round(tolerance * 100)}% of the best autoencoder validation error\n`;
  return `validation reconstruction error (MSE per feature, scaled units) and variance explained:\n${lines.join('')}${note}`;
}
