import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { parseIdx } from './idx.js';

/** An IDX file: magic (type byte, dimension count), big-endian dims, then big-endian values. */
function idx(type: number, dims: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type] ?? 1;
  const out = new Uint8Array(4 + 4 * dims.length + size * values.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  const at = 4 + 4 * dims.length;
  values.forEach((v, i) => {
    const o = at + i * size;
    if (type === 0x08) view.setUint8(o, v);
    else if (type === 0x09) view.setInt8(o, v);
    else if (type === 0x0b) view.setInt16(o, v, false);
    else if (type === 0x0c) view.setInt32(o, v, false);
    else if (type === 0x0d) view.setFloat32(o, v, false);
    else if (type === 0x0e) view.setFloat64(o, v, false);
    else view.setUint8(o, v);
  });
  return out;
}

describe('parseIdx', () => {
  it('reads MNIST-style images [n, rows, cols] as n × (rows·cols)', () => {
    const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const array = parseIdx(idx(0x08, [2, 3, 4], pixels), 'images-idx3-ubyte');
    expect(array.shape).toEqual([2, 3, 4]);
    expect(array.dtype).toBe('|u1');
    expect([array.matrix.rows, array.matrix.cols]).toEqual([2, 12]);
    expect(Array.from(array.matrix.data)).toEqual(pixels);
  });

  it('reads 1-D labels as a column', () => {
    const array = parseIdx(idx(0x08, [5], [7, 2, 1, 0, 4]), 'labels-idx1-ubyte');
    expect([array.matrix.rows, array.matrix.cols]).toEqual([5, 1]);
    expect(Array.from(array.matrix.data)).toEqual([7, 2, 1, 0, 4]);
  });

  it.each([
    [0x09, '|i1', [-128, 127, -1]],
    [0x0b, '>i2', [-30000, 2, 30000]],
    [0x0c, '>i4', [-2_000_000, 3, 16_000_000]],
    [0x0d, '>f4', [0.5, -1.25, 3e10]],
    [0x0e, '>f8', [0.1, -1e-5, 2.5]],
  ])('type 0x%s reads as %s', (type, dtype, values) => {
    const array = parseIdx(idx(type, [3], values), 't.idx');
    expect(array.dtype).toBe(dtype);
    expect(Array.from(array.matrix.data)).toEqual(values.map(Math.fround));
  });

  it('inflates gzipped files', () => {
    const raw = idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const array = parseIdx(gzipSync(raw), 'x-idx3-ubyte.gz');
    expect(Array.from(array.matrix.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(array.matrix.cols).toBe(4);
  });

  it('reports truncated data, truncated headers and damaged gzip', () => {
    const full = idx(0x08, [3, 2, 2], new Array(12).fill(1));
    expect(() => parseIdx(full.subarray(0, full.length - 1), 'cut-idx3-ubyte')).toThrow(
      'cut-idx3-ubyte: truncated IDX data: shape (3, 2, 2) needs 12 bytes, the file holds 11',
    );
    expect(() => parseIdx(full.subarray(0, 10), 'head.idx')).toThrow(
      /head\.idx: truncated IDX header \(3 dimensions need 16 bytes, the file holds 10\)/,
    );
    const gz = gzipSync(full);
    expect(() => parseIdx(gz.subarray(0, gz.length - 12), 'cut.gz')).toThrow(/cut\.gz: the gzip stream is damaged or truncated/);
  });

  it('rejects non-IDX data and unknown element types', () => {
    expect(() => parseIdx(new TextEncoder().encode('a,b\n'), 'x.idx')).toThrow(/x\.idx: not an IDX file/);
    expect(() => parseIdx(idx(0x07, [1], [0]), 'y.idx')).toThrow(/y\.idx: unknown IDX element type 0x07/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'z.idx')).toThrow(LatentError);
  });

  it('rejects NaN in float data with row and column', () => {
    expect(() => parseIdx(idx(0x0d, [2, 2], [1, 2, NaN, 4]), 'n.idx')).toThrow('n.idx: row 1, column 0 holds NaN');
  });
});
