/**
 * Streaming rows of an `.npz` archive (Node only): the feature array is inflated and decoded while
 * the file is read (fflate's streaming unzip), so an archive larger than memory works; the label
 * array (one value per row, small) is read whole in a first pass that also lists the members.
 * The choice of arrays is that of `datasetFromNpz` (npz.ts): `X`, else `x`, else the first array
 * that is not `y`; labels `y` when present.
 */

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Unzip, UnzipInflate } from 'fflate';
import { LatentError } from '../../errors.js';
import { formatNumpyShape } from '../ndarray.js';
import { parseNpy } from '../npy.js';
import { datasetFromNpz, type NpzOptions } from '../npz.js';
import { concatBytes } from './byte-input.js';
import { matrixSource } from './matrix-source.js';
import { openNpyStream } from './npy-source.js';
import type { RowSource } from './row-source.js';

/** Bytes of the archive read per step. */
const READ_BYTES = 1 << 20;

/**
 * Open the feature array of an `.npz` archive as a RowSource (labels ride along when chosen).
 *
 * @example
 * const rows = await openNpzSource('6_cardio.npz'); // X by rows, y as labels
 */
export async function openNpzSource(path: string, options: NpzOptions = {}): Promise<RowSource> {
  const totalBytes = (await stat(path)).size;
  const labelCandidate = options.labelArray === undefined ? 'y' : options.labelArray;
  const listing = await readMembers(path, (name) => labelCandidate !== null && name === `${labelCandidate}.npy`);
  const names = listing.names;
  if (names.length === 0) {
    throw new LatentError(`${path}: the archive holds no .npy arrays`, 'save the arrays with numpy.savez(path, X=features, y=labels)');
  }
  const featureName = options.featureArray ?? (names.includes('X') ? 'X' : names.includes('x') ? 'x' : names.find((n) => n !== 'y'));
  if (featureName === undefined || !names.includes(featureName)) {
    throw new LatentError(
      `${path}: no feature array${featureName === undefined ? '' : ` named "${featureName}"`}; the archive holds ${names.join(', ')}`,
      'name the feature array (the featureArray option), or save it as X with numpy.savez(path, X=features)',
    );
  }
  const labelName = options.labelArray === undefined ? (names.includes('y') && featureName !== 'y' ? 'y' : null) : options.labelArray;
  if (labelName !== null && !names.includes(labelName)) {
    throw new LatentError(
      `${path}: no label array named "${labelName}"; the archive holds ${names.join(', ')}`,
      'name one of the arrays listed',
    );
  }
  const labelBytes = labelName === null ? undefined : listing.members.get(`${labelName}.npy`);
  const labels = labelBytes === undefined ? undefined : parseNpy(labelBytes, `${path} (array ${labelName})`);

  let read = 0;
  const whole = async (): Promise<RowSource> => {
    const bytes = await readFile(path);
    const dataset = datasetFromNpz(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, options);
    read = totalBytes;
    return matrixSource(dataset);
  };
  const open = (): Promise<RowSource> =>
    openNpyStream(
      memberBytes(path, `${featureName}.npy`, (n) => (read = n)),
      `${path} (array ${featureName})`,
      () => read,
      totalBytes,
      whole,
    );
  const first = await open();
  const rows = first.rows as number;
  if (labels !== undefined && (labels.matrix.cols !== 1 || labels.matrix.rows !== rows)) {
    throw new LatentError(
      `${path}: labels have shape ${formatNumpyShape(labels.shape)} but the features have ${rows} rows`,
      `labels must hold exactly one value per sample, shape (${rows},) or (${rows}, 1)`,
    );
  }
  if (first.blocks !== undefined) return first; // read whole (a Fortran-ordered array), labels included
  let pending: RowSource | null = first;
  return {
    ...first,
    source: path,
    rereadable: true,
    hasLabels: labels !== undefined,
    bytesRead: () => read,
    async *chunks(request) {
      const inner = pending ?? (await open());
      pending = null;
      for await (const chunk of inner.chunks(request)) {
        yield labels === undefined ? chunk : { ...chunk, labels: labels.matrix.data.subarray(chunk.start, chunk.start + chunk.x.rows) };
      }
    },
  };
}

/** Push the archive through fflate's streaming unzip, `READ_BYTES` at a time. */
async function* unzipSteps(path: string, onRead: (bytes: number) => void, unzip: Unzip): AsyncIterable<void> {
  let read = 0;
  let previous: Uint8Array | null = null;
  try {
    for await (const piece of createReadStream(path, { highWaterMark: READ_BYTES })) {
      // fflate needs to know which push is the last: hold one piece back.
      if (previous !== null) {
        unzip.push(previous, false);
        yield;
      }
      previous = piece as Uint8Array;
      read += previous.length;
      onRead(read);
    }
    unzip.push(previous ?? new Uint8Array(0), true);
    yield;
  } catch (error) {
    if (error instanceof LatentError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `${path}: not a valid NPZ (zip) archive: ${reason}`,
      'save the arrays with numpy.savez or numpy.savez_compressed, and check the file is complete',
    );
  }
}

/** The names of the archive's arrays, and the whole bytes of the members `keep` picks. */
async function readMembers(path: string, keep: (name: string) => boolean): Promise<{ names: string[]; members: Map<string, Uint8Array> }> {
  const names: string[] = [];
  const members = new Map<string, Uint8Array>();
  const unzip = new Unzip((file) => {
    if (file.name.endsWith('.npy')) names.push(file.name.slice(0, -4));
    if (!keep(file.name)) return;
    const parts: Uint8Array[] = [];
    file.ondata = (error, data, final) => {
      if (error !== null) throw error;
      parts.push(data);
      if (final) members.set(file.name, concatBytes(parts));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const _ of unzipSteps(path, () => {}, unzip)) {
    // Members are collected by the callbacks.
  }
  return { names, members };
}

/** The inflated bytes of one member, as they come. */
async function* memberBytes(path: string, member: string, onRead: (bytes: number) => void): AsyncIterable<Uint8Array> {
  let queue: Uint8Array[] = [];
  let found = false;
  const unzip = new Unzip((file) => {
    if (file.name !== member) return;
    found = true;
    file.ondata = (error, data) => {
      if (error !== null) throw error;
      if (data.length > 0) queue.push(data);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const _ of unzipSteps(path, onRead, unzip)) {
    const ready = queue;
    queue = [];
    yield* ready;
  }
  if (!found) throw new LatentError(`${path}: the archive has no member ${member}`, 'check the archive is complete');
}
