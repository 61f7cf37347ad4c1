/**
 * NPZ (NumPy's zip of `.npy` files, stored or deflated): parse every member array, and pick the
 * features and labels of a Dataset from them. Browser-safe. Members inflate under a cap set by
 * their own NPY header (bounded-inflate.ts), so a zip bomb stops after a few megabytes.
 *
 * Choice of arrays (when not named by the caller): features are `X`, else `x`, else the first
 * array that is not `y`; labels are `y` when present.
 */

import { LatentError } from '../errors.js';
import type { Dataset } from './dataset.js';
import type { NdArray } from './ndarray.js';
import { datasetFromArrays } from './ndarray.js';
import { unzipBounded } from './bounded-inflate.js';
import { parseNpy } from './npy.js';
import { NPY_MAX_HEADER_BYTES, npyHeaderLength, parseNpyHeader } from './npy-header.js';

export interface NpzOptions {
  /** Name of the feature array (default: `X`, `x`, or the first array not named `y`). */
  readonly featureArray?: string;
  /** Name of the label array (default: `y` when present; `null` ignores labels). */
  readonly labelArray?: string | null;
}

/**
 * Parse an `.npz` archive into a map from array name (member name without `.npy`) to array,
 * in archive order.
 *
 * @example
 * const arrays = parseNpz(readFileSync('6_cardio.npz'), '6_cardio.npz');
 * arrays.get('X')?.matrix.cols; // 21
 */
export function parseNpz(bytes: Uint8Array, source: string): Map<string, NdArray> {
  const members = unzipBounded(
    bytes,
    source,
    (name) => name.endsWith('.npy'),
    (head) => memberLimit(head, source),
    'save the arrays with numpy.savez or numpy.savez_compressed, and check the file is complete',
  );
  const arrays = new Map<string, NdArray>();
  for (const [name, data] of members) {
    const key = name.slice(0, -4);
    arrays.set(key, parseNpy(data, `${source} (array ${key})`));
  }
  if (arrays.size === 0) {
    throw new LatentError(`${source}: the archive holds no .npy arrays`, 'save the arrays with numpy.savez(path, X=features, y=labels)');
  }
  return arrays;
}

/**
 * A Dataset from an `.npz` archive: features `X` (or as chosen, see the file header), labels `y`.
 *
 * @example
 * const ds = datasetFromNpz(bytes, '6_cardio.npz'); // ds.x is 1831 × 21, ds.labels has 1831 values
 */
export function datasetFromNpz(bytes: Uint8Array, source: string, options: NpzOptions = {}): Dataset {
  const arrays = parseNpz(bytes, source);
  const names = [...arrays.keys()];
  const featureName = options.featureArray ?? pickFeatures(names);
  const features = arrays.get(featureName ?? '');
  if (featureName === undefined || features === undefined) {
    throw new LatentError(
      `${source}: no feature array${featureName === undefined ? '' : ` named "${featureName}"`}; the archive holds ${names.join(', ')}`,
      'name the feature array (the featureArray option), or save it as X with numpy.savez(path, X=features)',
    );
  }
  const labelName = options.labelArray === undefined ? (arrays.has('y') && featureName !== 'y' ? 'y' : null) : options.labelArray;
  if (labelName === null) return datasetFromArrays(features, source);
  const labels = arrays.get(labelName);
  if (labels === undefined) {
    throw new LatentError(
      `${source}: no label array named "${labelName}"; the archive holds ${names.join(', ')}`,
      'name one of the arrays listed',
    );
  }
  return datasetFromArrays(features, source, labels);
}

/** A member may inflate to no more than its NPY header declares (header plus data). */
function memberLimit(head: Uint8Array, source: string): number | undefined {
  const headerLength = npyHeaderLength(head);
  if (headerLength === undefined || head.length < Math.min(headerLength, NPY_MAX_HEADER_BYTES + 1)) return undefined;
  const header = parseNpyHeader(head, `${source} (a member)`);
  return header.headerLength + header.dataLength;
}

function pickFeatures(names: readonly string[]): string | undefined {
  if (names.includes('X')) return 'X';
  if (names.includes('x')) return 'x';
  return names.find((n) => n !== 'y');
}
