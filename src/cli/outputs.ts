/**
 * Output paths, checked before any work starts: the extension must be one the command can write,
 * the folder must exist and take a probe file (written and removed), and an existing file is only
 * replaced with --force. The writes themselves are atomic (the io
 * layer writes a temporary file and renames it), so a failed run never leaves half a file.
 */

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { LatentError } from '../errors.js';
import { assertFolderWritable, assertWritable } from '../io/atomic.js';

/** Extensions `saveMatrix` writes. */
export const MATRIX_EXTENSIONS = ['.csv', '.npy'] as const;

function checkDirectory(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) {
    throw new LatentError(`${path}: the folder ${dir} does not exist`, 'create the folder first, or choose another output path');
  }
  if (!statSync(dir).isDirectory()) {
    throw new LatentError(`${path}: ${dir} is a file, not a folder (ENOTDIR)`, 'choose an output path inside a folder');
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new LatentError(`${path} is a folder, not a file`, 'give a file name, e.g. out.csv');
  }
  // Before any work: a run that could not save its result says so now, not after training.
  assertFolderWritable(path);
}

/**
 * A CSV/NPY output path: right extension, folder present, not an existing file unless `force`.
 *
 * @example
 * checkMatrixOutput('codes.csv', false); // throws if codes.csv exists
 */
export function checkMatrixOutput(path: string, force: boolean): void {
  const ext = extname(path).toLowerCase();
  if (!(MATRIX_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new LatentError(
      `${path}: cannot write "${ext || basename(path)}" files; outputs are ${MATRIX_EXTENSIONS.join(' or ')}`,
      'choose an output path ending in .csv or .npy',
    );
  }
  checkDirectory(path);
  assertWritable(path, { overwrite: force });
}

/** A model (or checkpoint) output path ending in .safetensors. */
export function checkModelOutput(path: string, force: boolean, what = 'model'): void {
  if (extname(path).toLowerCase() !== '.safetensors') {
    throw new LatentError(
      `${path}: a ${what} is saved as a .safetensors file`,
      `choose a path ending in .safetensors, e.g. ${what}.safetensors`,
    );
  }
  checkDirectory(path);
  assertWritable(path, { overwrite: force });
}

/** An HTML report path. */
export function checkReportOutput(path: string, force: boolean): void {
  const ext = extname(path).toLowerCase();
  if (ext !== '.html' && ext !== '.htm') {
    throw new LatentError(`${path}: the report is an HTML file`, 'choose a path ending in .html, e.g. report.html');
  }
  checkDirectory(path);
  assertWritable(path, { overwrite: force });
}

/**
 * Where `latent train DATA` saves the model when -o is not given: `<data name>.safetensors` in the
 * current folder (all extensions stripped, so `x.csv.gz` gives `x.safetensors`), and
 * `model.safetensors` for the built-in data sets.
 *
 * @example
 * defaultModelPath('data/6_cardio.npz'); // '6_cardio.safetensors'
 */
export function defaultModelPath(data: string): string {
  const builtin = data.toLowerCase();
  if (builtin === 'mnist' || builtin.startsWith('mnist:')) return 'model.safetensors';
  const name = basename(data)
    .replace(/\.[^.]*$/, '')
    .replace(/\.(csv|tsv)$/i, '');
  return `${name === '' ? 'model' : name}.safetensors`;
}
