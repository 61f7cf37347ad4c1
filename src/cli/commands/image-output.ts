/**
 * Writing generated rows (samples, interpolations) as a PNG grid when the model knows the image
 * shape of its rows, or as a .npy/.csv matrix. The output path is checked before any work.
 */

import { existsSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { Matrix } from '../../data/matrix.js';
import { LatentError } from '../../errors.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { saveImageGrid } from '../../report/image-grid-png.js';
import { assertWritable } from '../../io/atomic.js';
import { checkMatrixOutput } from '../outputs.js';
import { featureColumns, writeMatrix } from './matrix-output.js';

/** [channels, height, width] of the model's rows, when it was trained on images; else null. */
export function modelImageShape(model: Autoencoder): [number, number, number] | null {
  const config = model.config;
  if (config.kind === 'conv') return [config.channels, config.height, config.width];
  if (config.kind === 'vae' && config.imageShape !== null) {
    const s = config.imageShape;
    return s.length === 2 ? [1, s[0]!, s[1]!] : [s[0]!, s[1]!, s[2]!];
  }
  return null;
}

/** Check a .png/.npy/.csv output path before the model is read. */
export function checkImageOutput(path: string, force: boolean): void {
  if (extname(path).toLowerCase() !== '.png') {
    checkMatrixOutput(path, force);
    return;
  }
  const folder = dirname(path);
  if (!existsSync(folder))
    throw new LatentError(`${path}: the folder ${folder} does not exist`, 'create it first, or write somewhere else');
  assertWritable(path, { overwrite: force });
}

/**
 * Write `rows` to `path`: a PNG grid of `columns` images per line (values clamped to [0, 1]), or
 * a matrix file.
 */
export function writeGenerated(
  path: string,
  rows: Matrix,
  model: Autoencoder,
  columns: number,
  force: boolean,
  training: Record<string, unknown> | null,
): void {
  if (extname(path).toLowerCase() !== '.png') {
    writeMatrix(path, rows, featureColumns(training, rows.cols), force);
    return;
  }
  const shape = modelImageShape(model);
  if (shape === null || (shape[0] !== 1 && shape[0] !== 3)) {
    throw new LatentError(
      `${path}: this model's rows are not ${shape === null ? 'images' : '1- or 3-channel images'}, so they cannot be drawn as a PNG`,
      'write a .npy or .csv file instead',
    );
  }
  const [channels, height, width] = shape;
  saveImageGrid(path, channels === 1 ? rows.data : toHwc(rows, channels, height, width), {
    height,
    width,
    channels,
    columns,
    scale: 2,
    overwrite: force,
  });
}

/** Channel-major rows (C·H·W) to the pixel-interleaved layout of image grids (H·W·C). */
function toHwc(rows: Matrix, channels: number, height: number, width: number): Float32Array {
  const out = new Float32Array(rows.data.length);
  const plane = height * width;
  for (let r = 0; r < rows.rows; r++) {
    const base = r * rows.cols;
    for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) out[base + p * channels + c] = rows.data[base + c * plane + p]!;
  }
  return out;
}
