/**
 * `latent denoise MODEL INPUT -o OUTPUT [--noise KIND:AMOUNT]`: the model's reconstruction of
 * (noisy) rows or of a PNG image.
 *
 * - Rows (.csv, .npy, .npz, mnist:test, ...): writes the denoised rows. With --noise the clean
 *   input is first corrupted (seeded; clipped to [0, 1] when the data lies there), the corrupted
 *   rows are denoised, and MSE/PSNR of noisy and denoised against the clean input are printed.
 * - A PNG: read at the model's image size (an image of another size is an error naming both), the
 *   denoised image is written as a PNG; with --noise the noisy image is also written beside it
 *   (`OUTPUT-noisy.png`) and PSNR/SSIM are printed.
 * Every output path is checked before any work. Rows without --noise stream (read a chunk →
 * denoise → write a chunk; any size, `-` for standard input and output); with --noise the rows are
 * read whole, since the clipping range and the quality figures cover all of them.
 */

import { existsSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { matrix, type Matrix } from '../../data/matrix.js';
import { collectRows } from '../../data/sources/collect.js';
import { LatentError } from '../../errors.js';
import { assertWritable, writeFileAtomic } from '../../io/atomic.js';
import type { LoadedModel } from '../../io/model-io.js';
import { encodePng } from '../../report/png.js';
import { readImageRow } from '../../tasks/denoise-files.js';
import { AutoencoderDenoiser, type DenoiseEvaluation, type ImageShape } from '../../tasks/denoiser.js';
import { Rng } from '../../tensor/rng.js';
import { corrupt, formatCorruption, parseCorruption, type Corruption } from '../../train/corruption.js';
import { inUnitInterval } from '../../train/defaults.js';
import { loadOptions, setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import { formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';
import { parseInteger } from '../options.js';
import { modelImageShape } from './image-output.js';
import { checkPngInput } from './png-input.js';
import { checkOutput, FORMAT_HELP, ID_COLUMN_HELP, openOutput, outputName } from './matrix-command.js';
import { checkSourceFeatures, idColumns, idTexts, noteTo, openModelRows, streamRows, type RowFlags } from './row-stream.js';

export interface DenoiseFlags extends RowFlags {
  readonly output: string;
  readonly format?: string;
  readonly noise?: string;
  readonly seed?: string;
  readonly backend?: string;
  readonly force?: boolean;
}

/** Add `denoise` to the program. */
export function registerDenoise(program: Command, context: CommandContext): void {
  program
    .command('denoise')
    .summary('denoise rows or a PNG image with a (denoising) autoencoder')
    .description(
      "Write the model's reconstruction of each row of INPUT (.csv/.npy output), or of a PNG image (.png output).\n\n" +
        'With --noise the clean INPUT is first corrupted (seeded; clipped to [0, 1] for data in [0, 1]) and the noisy ' +
        'version is denoised; MSE and PSNR (and SSIM for images) of noisy and denoised against the clean input are ' +
        'printed, and for a PNG the noisy image is written beside the output as OUTPUT-noisy.png.\n\n' +
        'Train a denoising model with latent train DATA --noise gaussian:0.5.',
    )
    .argument('<MODEL>', 'model file (.safetensors)')
    .argument('<INPUT>', "rows (.csv, .npy, .npz, mnist:test, ...) or a .png image of the model's image size")
    .requiredOption(
      '-o, --output <OUTPUT>',
      'output file: .csv, .jsonl, .npy or .parquet (or - for standard output) for rows, .png for an image',
    )
    .option('--format <name>', FORMAT_HELP)
    .option(
      '--noise <kind:amount>',
      'corrupt the clean input first: gaussian:0.5, mask:0.3 or saltpepper:0.1 (default: none, denoise the input as it is)',
    )
    .option('--seed <n>', 'seed of the noise (default: 42)')
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated (default: the columns the model was trained on)')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--id-column <name>', ID_COLUMN_HELP)
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace existing output files')
    .option('-q, --quiet', 'no reading progress on standard error')
    .action(async (model: string, input: string, flags: DenoiseFlags) => {
      context.setExitCode(await runDenoise(model, input, flags, context.io));
    });
}

/** `out.png` → `out-noisy.png`. */
export function noisyPathFor(output: string): string {
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}-noisy${ext}`;
}

function checkPngOutput(path: string, force: boolean): void {
  if (!existsSync(dirname(path)))
    throw new LatentError(`${path}: the folder ${dirname(path)} does not exist`, 'create the folder first, or choose another output path');
  assertWritable(path, { overwrite: force });
}

export async function runDenoise(modelPath: string, input: string, flags: DenoiseFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  const png = extname(input).toLowerCase() === '.png';
  const noise = flags.noise === undefined ? undefined : parseCorruption(flags.noise);
  const seed = flags.seed === undefined ? 42 : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 });
  if (png) {
    if (extname(flags.output).toLowerCase() !== '.png') {
      throw new LatentError(`${flags.output}: a denoised image is written as a PNG`, 'choose an output path ending in .png');
    }
    checkPngOutput(flags.output, force);
    if (noise !== undefined) checkPngOutput(noisyPathFor(flags.output), force);
    checkPngInput(input);
  } else {
    checkOutput(flags, io, flags.idColumn !== undefined);
  }
  await setupBackend(flags.backend);
  loadOptions(flags, input);
  const loaded = loadModelArgument(modelPath, 'the input');
  const denoiser = AutoencoderDenoiser.fromLoaded(loaded, modelPath);
  if (png) return denoisePng(denoiser, loaded, input, flags.output, noise, seed, force, io);

  const source = await openModelRows(input, flags, loaded.training, modelPath, io);
  checkSourceFeatures(source, loaded.model, modelPath);
  const note = noteTo(io, flags.output);
  if (noise === undefined) {
    const sink = await openOutput(flags, io, { text: idColumns(source), numbers: source.columns });
    const rows = await streamRows(source, sink, io, flags.quiet === true, (chunk) => ({
      text: idTexts(chunk),
      numbers: denoiser.denoise(chunk.x),
    }));
    note(`wrote ${rows} denoised rows of ${source.columns.length} values to ${outputName(flags.output)}\n`);
    return 0;
  }
  const dataset = await collectRows(source);
  const clean = dataset.x;
  const unit = inUnitInterval(clean);
  const noisy = matrix(corrupt(clean.data, noise, new Rng(seed), unit ? [0, 1] : undefined), clean.rows, clean.cols);
  const peak = unit ? 1 : valueRange(clean);
  const shape = imageShapeOf(denoiser, loaded, dataset);
  const evaluation = denoiser.evaluate(clean, noisy, { maxValue: peak, ...(shape === undefined ? {} : { imageShape: shape }) });
  const sink = await openOutput(flags, io, { text: idColumns(source), numbers: dataset.columns });
  try {
    await sink.write({ text: dataset.ids === undefined ? [] : [dataset.ids], numbers: denoiser.denoise(noisy) });
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  note(
    `corrupted ${clean.rows} rows of ${dataset.source} with ${formatCorruption(noise)} (seed ${seed}${unit ? ', clipped to [0, 1]' : ''}), then denoised them\n` +
      qualityTable(evaluation, unit ? 'peak 1' : `peak ${formatLoss(peak)}, the data range`) +
      `wrote ${clean.rows} denoised rows to ${outputName(flags.output)}\n`,
  );
  return 0;
}

function denoisePng(
  denoiser: AutoencoderDenoiser,
  loaded: LoadedModel,
  input: string,
  output: string,
  noise: Corruption | undefined,
  seed: number,
  force: boolean,
  io: Io,
): number {
  const { row, shape } = readImageRow(input, loaded.model.inputDim, imageShapeOf(denoiser, loaded));
  const size = `${shape.width}×${shape.height}`;
  if (noise === undefined) {
    writePng(output, denoiser.denoise(row), shape, force);
    io.out(`wrote the denoised ${size} image to ${output}\n`);
    return 0;
  }
  const noisy = matrix(corrupt(row.data, noise, new Rng(seed), [0, 1]), 1, row.cols);
  const evaluation = denoiser.evaluate(row, noisy, { imageShape: shape });
  const noisyPath = noisyPathFor(output);
  writePng(noisyPath, noisy, shape, force);
  writePng(output, denoiser.denoise(noisy), shape, force);
  io.out(
    `corrupted ${input} (${size}) with ${formatCorruption(noise)} (seed ${seed}, clipped to [0, 1]), then denoised it\n` +
      qualityTable(evaluation, 'peak 1') +
      `wrote the noisy image to ${noisyPath} and the denoised image to ${output}\n`,
  );
  return 0;
}

/** Noisy vs denoised quality lines, with the PSNR gain. */
export function qualityTable(e: DenoiseEvaluation, peakNote: string): string {
  const rows: Array<[string, string, string]> = [
    ['', 'noisy', 'denoised'],
    ['MSE', formatLoss(e.noisyMse), formatLoss(e.denoisedMse)],
    [`PSNR dB (${peakNote})`, e.noisyPsnr.toFixed(2), e.denoisedPsnr.toFixed(2)],
  ];
  if (e.noisySsim !== undefined && e.denoisedSsim !== undefined) rows.push(['SSIM', e.noisySsim.toFixed(4), e.denoisedSsim.toFixed(4)]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => `  ${r[0].padEnd(widths[0]!)}   ${r[1].padStart(widths[1]!)}   ${r[2].padStart(widths[2]!)}`.trimEnd());
  const gain = e.denoisedPsnr - e.noisyPsnr;
  return `${lines.join('\n')}\nPSNR gain ${gain >= 0 ? '+' : ''}${gain.toFixed(2)} dB\n`;
}

/**
 * The image shape of the model's rows: stored with a denoiser; a one-channel conv/VAE model's
 * shape; the data's own 2-D sample shape (MNIST); else a square grayscale image when the row
 * length is a square number.
 */
function imageShapeOf(denoiser: AutoencoderDenoiser, loaded: LoadedModel, dataset?: Dataset): ImageShape | undefined {
  if (denoiser.imageShape !== undefined) return denoiser.imageShape;
  const inputDim = loaded.model.inputDim;
  const chw = modelImageShape(loaded.model);
  if (chw !== null) {
    // Conv rows are channel-major; a PNG is read pixel-interleaved, which matches only for one channel.
    if (chw[0] !== 1)
      throw new LatentError(
        `this model's rows are ${chw[0]}-channel images stored channel by channel`,
        'denoise rows (.npy) instead of a PNG',
      );
    return { height: chw[1], width: chw[2], channels: 1 };
  }
  const sample = dataset?.sampleShape;
  if (sample !== undefined && sample.length === 2 && sample[0]! * sample[1]! === inputDim)
    return { height: sample[0]!, width: sample[1]!, channels: 1 };
  const side = Math.round(Math.sqrt(inputDim));
  return side * side === inputDim ? { height: side, width: side, channels: 1 } : undefined;
}

function valueRange(m: Matrix): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of m.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? hi - lo : 1;
}

function writePng(path: string, rows: Matrix, shape: ImageShape, force: boolean): void {
  const bytes = new Uint8Array(rows.data.length);
  for (let i = 0; i < bytes.length; i++) {
    const v = rows.data[i]!;
    bytes[i] = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  writeFileAtomic(path, encodePng(bytes, shape.width, shape.height, shape.channels), { overwrite: force });
}
