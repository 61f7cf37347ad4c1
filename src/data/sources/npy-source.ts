/**
 * Streaming NPY rows (Node only). A file is read in row ranges through a file handle, so its size
 * is limited only by the disk (no 2 GiB whole-file read) and blocks can be visited in any order;
 * a byte stream (standard input, an .npz member) is read front to back. The header and element
 * conversion are those of `parseNpy` (npy.ts), so both paths accept the same files.
 *
 * Invariant: a chunk holds whole rows; float data is checked for NaN/Inf chunk by chunk, and the
 * error names the row in the whole file.
 */

import { open, stat } from 'node:fs/promises';
import { LatentError } from '../../errors.js';
import { assertFinite, defaultColumnNames } from '../dataset.js';
import { matrix } from '../matrix.js';
import { formatNumpyShape } from '../ndarray.js';
import { parseNpy, readNpyValues } from '../npy.js';
import { NPY_MAX_HEADER_BYTES, parseNpyHeader, type NpyDtype } from '../npy-header.js';
import { concatBytes, peek } from './byte-input.js';
import { matrixSource } from './matrix-source.js';
import { datasetFromArrays } from '../ndarray.js';
import { chunkRowsOf, defaultChunkRows, type BlockAccess, type RowChunk, type RowSource } from './row-source.js';

/** Bytes read to find the header: NumPy's headers are a few hundred bytes; this leaves room. */
const HEADER_BYTES = NPY_MAX_HEADER_BYTES;

/** Fortran-ordered files can't be read by rows; up to this size they are read whole instead. */
const FORTRAN_IN_MEMORY_BYTES = 1 << 30;

/** What the header says about the rows. */
interface NpyLayout {
  readonly dtype: NpyDtype;
  readonly descr: string;
  readonly shape: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly dataOffset: number;
  readonly fortranOrder: boolean;
}

function layoutOf(head: Uint8Array, source: string): NpyLayout {
  const header = parseNpyHeader(head, source);
  const dtype = header.dtype;
  const shape = header.shape;
  const rows = shape.length === 0 ? 1 : (shape[0] as number);
  let cols = 1;
  for (let i = 1; i < shape.length; i++) cols *= shape[i] as number;
  return {
    dtype,
    descr: header.descr,
    shape,
    rows,
    cols,
    dataOffset: header.headerLength,
    fortranOrder: header.fortranOrder && shape.length > 1,
  };
}

/** Whether this machine stores numbers little-endian (as nearly every .npy file does). */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `bytes` is owned by the caller's chunk (freshly read), so host-order float32 is viewed, not copied. */
function decodeRows(bytes: Uint8Array, layout: NpyLayout, start: number, count: number, source: string): RowChunk {
  const { dtype } = layout;
  const direct = dtype.kind === 'f' && dtype.size === 4 && dtype.littleEndian === LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0;
  const values = direct
    ? new Float32Array(bytes.buffer, bytes.byteOffset, count * layout.cols)
    : readNpyValues(bytes, 0, count * layout.cols, dtype);
  const x = matrix(values, count, layout.cols);
  if (layout.dtype.kind === 'f') assertFinite(x, source, undefined, start);
  return { x, start };
}

function checkNotEmpty(layout: NpyLayout, source: string): void {
  if (layout.rows === 0 || layout.cols === 0) {
    throw new LatentError(`${source}: contains no samples`, 'check that the file holds data rows, not only a header');
  }
}

function sourceFields(
  layout: NpyLayout,
): Pick<RowSource, 'columns' | 'rows' | 'hasLabels' | 'hasTimestamps'> & { sampleShape?: readonly number[] } {
  return {
    columns: defaultColumnNames(layout.cols),
    rows: layout.rows,
    hasLabels: false,
    hasTimestamps: false,
    ...(layout.shape.length > 2 ? { sampleShape: layout.shape.slice(1) } : {}),
  };
}

/**
 * Open an `.npy` file for reading in row ranges.
 *
 * @example
 * const rows = await openNpyFile('big.npy'); // 40M × 30, any size
 * for await (const chunk of rows.chunks()) model.encode(chunk.x);
 */
export async function openNpyFile(path: string, blockRows?: number): Promise<RowSource> {
  const size = (await stat(path)).size;
  const handle = await open(path, 'r');
  let layout: NpyLayout;
  try {
    const head = new Uint8Array(Math.min(size, HEADER_BYTES));
    await handle.read(head, 0, head.length, 0);
    layout = layoutOf(head, path);
  } finally {
    await handle.close();
  }
  const rowBytes = layout.cols * layout.dtype.size;
  const needed = layout.rows * rowBytes;
  const available = size - layout.dataOffset;
  if (available < needed) {
    throw new LatentError(
      `${path}: truncated NPY data: shape ${formatNumpyShape(layout.shape)} of ${layout.descr} needs ${needed} bytes, the file holds ${available}`,
      'the file was cut short (interrupted download or copy?); write it again with numpy.save',
    );
  }
  checkNotEmpty(layout, path);
  if (layout.fortranOrder) return fortranFile(path, size);

  let consumed = 0;
  const readRows = async (start: number, count: number): Promise<RowChunk> => {
    const file = await open(path, 'r');
    try {
      const bytes = new Uint8Array(count * rowBytes);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, layout.dataOffset + start * rowBytes);
      if (bytesRead < bytes.length) throw new LatentError(`${path}: the file shrank while it was read`, 'read it again once it is written');
      return decodeRows(bytes, layout, start, count, path);
    } finally {
      await file.close();
    }
  };
  const block = blockRows ?? defaultChunkRows(layout.cols);
  const blocks: BlockAccess = {
    count: Math.ceil(layout.rows / block),
    blockRows: block,
    read: (index) => readRows(index * block, Math.min(block, layout.rows - index * block)),
  };
  return {
    source: path,
    ...sourceFields(layout),
    totalBytes: size,
    rereadable: true,
    blocks,
    bytesRead: () => consumed,
    async *chunks(request) {
      const step = chunkRowsOf(request, layout.cols);
      const file = await open(path, 'r');
      try {
        for (let start = 0; start < layout.rows; start += step) {
          const count = Math.min(step, layout.rows - start);
          const bytes = new Uint8Array(count * rowBytes);
          const { bytesRead } = await file.read(bytes, 0, bytes.length, layout.dataOffset + start * rowBytes);
          if (bytesRead < bytes.length)
            throw new LatentError(`${path}: the file shrank while it was read`, 'read it again once it is written');
          consumed = layout.dataOffset + (start + count) * rowBytes;
          yield decodeRows(bytes, layout, start, count, path);
        }
      } finally {
        await file.close();
      }
    },
  };
}

/** A Fortran-ordered file (columns stored first) is read whole, when it fits. */
async function fortranFile(path: string, size: number): Promise<RowSource> {
  if (size > FORTRAN_IN_MEMORY_BYTES) {
    throw new LatentError(
      `${path}: a Fortran-ordered array of ${size} bytes cannot be read row by row`,
      'save it in C order: numpy.save(path, numpy.ascontiguousarray(x))',
    );
  }
  const { readFile } = await import('node:fs/promises');
  const buffer = await readFile(path);
  const array = parseNpy(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), path);
  return matrixSource(datasetFromArrays(array, path));
}

/**
 * NPY bytes read front to back (standard input, an .npz member): the header first, then rows.
 * `bytesRead` reports the bytes of the underlying input, which the caller counts. A Fortran-ordered
 * array (columns first) can't be read by rows: `readWhole` reads it at once instead, when it fits.
 *
 * @example
 * const rows = await openNpyStream(input.stream, '-', () => input.bytesRead(), input.totalBytes);
 */
export async function openNpyStream(
  stream: AsyncIterable<Uint8Array>,
  source: string,
  bytesRead: () => number,
  totalBytes: number | undefined,
  readWhole?: () => Promise<RowSource>,
): Promise<RowSource> {
  const { head, stream: all } = await peek(stream, HEADER_BYTES);
  const layout = layoutOf(head, source);
  checkNotEmpty(layout, source);
  if (layout.fortranOrder && readWhole !== undefined && layout.rows * layout.cols * layout.dtype.size <= FORTRAN_IN_MEMORY_BYTES) {
    return readWhole();
  }
  if (layout.fortranOrder) {
    throw new LatentError(
      `${source}: a Fortran-ordered array cannot be read from a stream`,
      'save it in C order: numpy.save(path, numpy.ascontiguousarray(x)), or pass the file by name',
    );
  }
  let used = false;
  return {
    source,
    ...sourceFields(layout),
    totalBytes,
    rereadable: false,
    bytesRead,
    async *chunks(request) {
      if (used) throw new LatentError(`${source} can be read only once`, 'save the data to a file to read it more than once');
      used = true;
      const step = chunkRowsOf(request, layout.cols);
      const rowBytes = layout.cols * layout.dtype.size;
      const chunkBytes = step * rowBytes;
      let skip = layout.dataOffset;
      let parts: Uint8Array[] = [];
      let held = 0;
      let start = 0;
      const take = (length: number): Uint8Array => {
        const whole = concatBytes(parts, held);
        parts = length < held ? [whole.subarray(length)] : [];
        held -= length;
        return whole.slice(0, length);
      };
      for await (let bytes of all) {
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.length);
          bytes = bytes.subarray(dropped);
          skip -= dropped;
        }
        if (bytes.length === 0) continue;
        parts.push(bytes);
        held += bytes.length;
        while (held >= chunkBytes && start < layout.rows) {
          const count = Math.min(step, layout.rows - start);
          yield decodeRows(take(count * rowBytes), layout, start, count, source);
          start += count;
        }
      }
      while (start < layout.rows && held >= rowBytes) {
        const count = Math.min(step, layout.rows - start, Math.floor(held / rowBytes));
        yield decodeRows(take(count * rowBytes), layout, start, count, source);
        start += count;
      }
      if (start < layout.rows) {
        throw new LatentError(
          `${source}: truncated NPY data: shape ${formatNumpyShape(layout.shape)} of ${layout.descr} needs ${layout.rows * rowBytes} bytes, the stream ended after ${start * rowBytes + held}`,
          'the data was cut short; write it again with numpy.save',
        );
      }
    },
  };
}
