/**
 * NPY (NumPy's array file format, versions 1.0, 2.0 and 3.0): parse bytes into an NdArray and
 * encode a Matrix as `<f4`. Browser-safe: bytes in, arrays out.
 *
 * Supported element types: floats f2/f4/f8, signed i1/i2/i4/i8, unsigned u1/u2/u4/u8 and bool b1,
 * little- or big-endian; C or Fortran order (Fortran is transposed to row-major). Values become
 * float32, so 64-bit integers above 2^24 lose precision. Float data is checked for NaN/Inf.
 *
 * Format reference: numpy/lib/format.py; the header is parsed strictly in npy-header.ts. The data
 * must be exactly as long as the header declares: missing or extra bytes are refused.
 */

import { LatentError } from '../errors.js';
import { assertFinite } from './dataset.js';
import type { Matrix } from './matrix.js';
import type { NdArray } from './ndarray.js';
import { formatNumpyShape, ndarrayFromValues } from './ndarray.js';
import { parseNpyHeader, type NpyDtype } from './npy-header.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Parse an `.npy` file. `source` names the file in error messages.
 *
 * @example
 * const { matrix, shape } = parseNpy(readFileSync('x.npy'), 'x.npy');
 * // shape [n, 28, 28] gives matrix n × 784
 */
export function parseNpy(bytes: Uint8Array, source: string): NdArray {
  const header = parseNpyHeader(bytes, source);
  const { dtype, dataLength: needed } = header;
  const count = needed / dtype.size;
  const available = bytes.length - header.headerLength;
  if (available < needed) {
    throw new LatentError(
      `${source}: truncated NPY data: shape ${formatNumpyShape(header.shape)} of ${header.descr} needs ${needed} bytes, the file holds ${available}`,
      'the file was cut short (interrupted download or copy?); write it again with numpy.save',
    );
  }
  if (available > needed) {
    throw new LatentError(
      `${source}: the file has ${available - needed} bytes after the array data (shape ${formatNumpyShape(header.shape)} of ${header.descr} is ${needed} bytes)`,
      'the file is damaged, or two files were joined; write it again with numpy.save',
    );
  }
  let values = readValues(bytes, header.headerLength, count, dtype);
  if (header.fortranOrder && header.shape.length > 1) values = fortranToC(values, header.shape);
  const array = ndarrayFromValues(values, header.shape, header.descr);
  if (dtype.kind === 'f') assertFinite(array.matrix, source);
  return array;
}

/**
 * Encode a matrix as an NPY v1.0 file: `<f4`, C order, shape `(rows, cols)`, header padded so
 * the data starts at a multiple of 64 bytes (as NumPy writes it).
 *
 * @example
 * writeFileSync('out.npy', encodeNpy(m)); // numpy.load('out.npy').shape == (m.rows, m.cols)
 */
export function encodeNpy(m: Matrix): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const headerText = dict + ' '.repeat(total - unpadded) + '\n';
  const out = new Uint8Array(total + m.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerText.length, true);
  for (let i = 0; i < headerText.length; i++) out[10 + i] = headerText.charCodeAt(i);
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength), total);
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < m.data.length; i++) view.setFloat32(total + 4 * i, m.data[i] as number, true);
  }
  return out;
}

function readValues(bytes: Uint8Array, offset: number, count: number, dtype: NpyDtype): Float32Array {
  const { kind, size, littleEndian } = dtype;
  if (size === 1) {
    const raw = bytes.subarray(offset, offset + count);
    if (kind === 'i') return new Float32Array(new Int8Array(raw.buffer, raw.byteOffset, count));
    const out = new Float32Array(raw);
    if (kind === 'b') for (let i = 0; i < count; i++) out[i] = out[i] === 0 ? 0 : 1;
    return out;
  }
  // A copy starts at byte 0 of a fresh buffer, so typed-array views over it are aligned.
  // (The constructor always copies; Node's Buffer#slice would return a view instead.)
  const copy = new Uint8Array(bytes.subarray(offset, offset + count * size));
  if (littleEndian === LITTLE_ENDIAN_HOST) {
    // Host-order data converts in one typed-array copy; f2 and 64-bit integers take the loop below.
    const buf = copy.buffer;
    if (kind === 'f' && size === 4) return new Float32Array(buf);
    if (kind === 'f' && size === 8) return new Float32Array(new Float64Array(buf));
    if (kind === 'i' && size === 2) return new Float32Array(new Int16Array(buf));
    if (kind === 'u' && size === 2) return new Float32Array(new Uint16Array(buf));
    if (kind === 'i' && size === 4) return new Float32Array(new Int32Array(buf));
    if (kind === 'u' && size === 4) return new Float32Array(new Uint32Array(buf));
  }
  const view = new DataView(copy.buffer);
  const out = new Float32Array(count);
  const read = elementReader(view, kind, size, littleEndian);
  for (let i = 0; i < count; i++) out[i] = read(i * size);
  return out;
}

function elementReader(view: DataView, kind: NpyDtype['kind'], size: number, le: boolean): (at: number) => number {
  switch (`${kind}${size}`) {
    case 'f2':
      return (at) => halfToFloat(view.getUint16(at, le));
    case 'f4':
      return (at) => view.getFloat32(at, le);
    case 'f8':
      return (at) => view.getFloat64(at, le);
    case 'i2':
      return (at) => view.getInt16(at, le);
    case 'u2':
      return (at) => view.getUint16(at, le);
    case 'i4':
      return (at) => view.getInt32(at, le);
    case 'u4':
      return (at) => view.getUint32(at, le);
    case 'i8':
      return (at) => Number(view.getBigInt64(at, le));
    case 'u8':
      return (at) => Number(view.getBigUint64(at, le));
    default:
      throw new Error(`npy: no reader for ${kind}${size}`);
  }
}

/** IEEE 754 binary16 → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Reorder Fortran-ordered (first axis fastest) values into C order (last axis fastest). */
function fortranToC(src: Float32Array, shape: readonly number[]): Float32Array {
  const ndim = shape.length;
  const stride = new Array<number>(ndim);
  let s = 1;
  for (let k = 0; k < ndim; k++) {
    stride[k] = s;
    s *= shape[k] as number;
  }
  const out = new Float32Array(src.length);
  const index = new Array<number>(ndim).fill(0);
  let f = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = src[f] as number;
    // Advance the C-order multi-index (last axis fastest) and keep the Fortran offset in step.
    for (let k = ndim - 1; k >= 0; k--) {
      index[k] = (index[k] as number) + 1;
      f += stride[k] as number;
      if ((index[k] as number) < (shape[k] as number)) break;
      f -= (stride[k] as number) * (shape[k] as number);
      index[k] = 0;
    }
  }
  return out;
}

// The pieces the streaming reader (sources/npy-source.ts) shares, so a file read in row ranges
// follows exactly the rules of `parseNpy`.
export { readValues as readNpyValues };
