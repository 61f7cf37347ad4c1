/**
 * IDX (the MNIST file format), plain or gzipped: parse bytes into an NdArray. Browser-safe.
 *
 * Layout: two zero bytes, a type byte, the number of dimensions, then one big-endian uint32 per
 * dimension, then big-endian values. Types: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32,
 * 0x0D float32, 0x0E float64. Images `[n, rows, cols]` become `n × (rows·cols)`. Values are kept
 * as stored (MNIST pixels stay 0–255; scale them with a min-max scaler). The data must be exactly
 * as long as the header declares (trailing bytes are refused), no dimension may be 0, and a gzipped
 * file inflates under a cap set by its own header.
 */

import { LatentError } from '../errors.js';
import { gunzipBounded } from './bounded-inflate.js';
import { assertFinite } from './dataset.js';
import type { NdArray } from './ndarray.js';
import { formatNumpyShape, ndarrayFromValues } from './ndarray.js';

interface IdxType {
  readonly dtype: string;
  readonly size: number;
  readonly read: (view: DataView, at: number) => number;
}

const TYPES: Readonly<Record<number, IdxType>> = {
  0x08: { dtype: '|u1', size: 1, read: (v, at) => v.getUint8(at) },
  0x09: { dtype: '|i1', size: 1, read: (v, at) => v.getInt8(at) },
  0x0b: { dtype: '>i2', size: 2, read: (v, at) => v.getInt16(at, false) },
  0x0c: { dtype: '>i4', size: 4, read: (v, at) => v.getInt32(at, false) },
  0x0d: { dtype: '>f4', size: 4, read: (v, at) => v.getFloat32(at, false) },
  0x0e: { dtype: '>f8', size: 8, read: (v, at) => v.getFloat64(at, false) },
};

const HINT = 'use the original MNIST-style .idx/-ubyte file (optionally .gz), re-downloading it if it was cut short';

/**
 * Parse an IDX file (gzip is detected by its 0x1f 0x8b magic and inflated first).
 *
 * @example
 * const images = parseIdx(readFileSync('t10k-images-idx3-ubyte.gz'), 't10k-images');
 * images.matrix.cols; // 784
 */
export function parseIdx(input: Uint8Array, source: string): NdArray {
  const bytes =
    input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b
      ? gunzipBounded(input, source, (head) => idxLimit(head, source), HINT)
      : input;
  const header = readHeader(bytes, source);
  if (header === undefined) {
    const needs = bytes.length < 4 ? 'needs at least 4 bytes' : `${bytes[3]} dimensions need ${4 + 4 * (bytes[3] as number)} bytes`;
    throw new LatentError(`${source}: truncated IDX header (${needs}, the file holds ${bytes.length})`, HINT);
  }
  const { type, shape, dataOffset, dataLength: needed } = header;
  const count = needed / type.size;
  const available = bytes.length - dataOffset;
  if (available < needed) {
    throw new LatentError(
      `${source}: truncated IDX data: shape ${formatNumpyShape(shape)} needs ${needed} bytes, the file holds ${available}`,
      HINT,
    );
  }
  if (available > needed) {
    throw new LatentError(
      `${source}: the file has ${available - needed} bytes after the data its header declares (shape ${formatNumpyShape(shape)}, ${needed} bytes)`,
      'the file is damaged or two files were joined; use the original file',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(count);
  if (type.size === 1 && type.dtype === '|u1') {
    values.set(bytes.subarray(dataOffset, dataOffset + count));
  } else {
    for (let i = 0; i < count; i++) values[i] = type.read(view, dataOffset + i * type.size);
  }
  const array = ndarrayFromValues(values, shape, type.dtype);
  if (type.dtype === '>f4' || type.dtype === '>f8') assertFinite(array.matrix, source);
  return array;
}

interface IdxHeader {
  readonly type: IdxType;
  readonly shape: number[];
  readonly dataOffset: number;
  readonly dataLength: number;
}

/** The header, or undefined while `bytes` is too short to hold it; bad magic, types and sizes throw. */
function readHeader(bytes: Uint8Array, source: string): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new LatentError(`${source}: not an IDX file (it must start with two zero bytes)`, HINT);
  }
  const type = TYPES[bytes[2] as number];
  if (type === undefined) {
    throw new LatentError(
      `${source}: unknown IDX element type 0x${(bytes[2] as number).toString(16).padStart(2, '0')}`,
      'IDX types are 0x08 ubyte, 0x09 sbyte, 0x0B short, 0x0C int, 0x0D float, 0x0E double',
    );
  }
  const ndim = bytes[3] as number;
  if (ndim === 0) throw new LatentError(`${source}: IDX file declares 0 dimensions`, HINT);
  const dataOffset = 4 + 4 * ndim;
  if (bytes.length < dataOffset) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let k = 0; k < ndim; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    if (d === 0) {
      throw new LatentError(`${source}: IDX dimension ${k} has length 0, so the file holds no values`, HINT);
    }
    shape.push(d);
    count *= d;
  }
  return { type, shape, dataOffset, dataLength: count * type.size };
}

/** A gzipped IDX file may inflate to no more than its header declares. */
function idxLimit(head: Uint8Array, source: string): number | undefined {
  const header = readHeader(head, source);
  return header === undefined ? undefined : header.dataOffset + header.dataLength;
}
