import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { matrix } from './matrix.js';
import { encodeNpy, parseNpy } from './npy.js';
import { buildNpy, elementBytes } from './test-utils/npy-bytes.js';

const values = [1, -2, 3, 0, 5, -6];
const unsigned = [1, 2, 3, 0, 5, 250];

function message(fn: () => unknown): string {
  return caughtLatentError(fn).message;
}

describe('parseNpy element types', () => {
  const cases: [string, Parameters<typeof elementBytes>[0], number[], boolean][] = [
    ['<f8', 'f8', [1.5, -2.25, 3e10, 0, 1e-7, -6], true],
    ['<f4', 'f4', [1.5, -2.25, 3, 0, 0.125, -6], true],
    ['<f2', 'f2', [1.5, -2.25, 3, 0, 0.125, -6], true],
    ['<i8', 'i8', values, true],
    ['<i4', 'i4', values, true],
    ['<i2', 'i2', [1, -2, 30000, 0, 5, -32768], true],
    ['|i1', 'i1', [1, -2, 3, 0, 127, -128], true],
    ['|u1', 'u1', unsigned, true],
    ['<u2', 'u2', [1, 2, 3, 0, 5, 65535], true],
    ['<u4', 'u4', [1, 2, 3, 0, 5, 4_000_000_000], true],
    ['<u8', 'u8', unsigned, true],
    ['|b1', 'b1', [1, 0, 1, 0, 1, 1], true],
    ['>f8', 'f8', [1.5, -2.25, 3e10, 0, 1e-7, -6], false],
    ['>f4', 'f4', [1.5, -2.25, 3, 0, 0.125, -6], false],
    ['>f2', 'f2', [1.5, -2.25, 3, 0, 0.125, -6], false],
    ['>i8', 'i8', values, false],
    ['>i4', 'i4', values, false],
    ['>i2', 'i2', values, false],
    ['>u2', 'u2', unsigned, false],
    ['>u4', 'u4', unsigned, false],
    ['>u8', 'u8', unsigned, false],
  ];
  it.each(cases)('%s, shape (2, 3)', (descr, kind, v, le) => {
    const bytes = buildNpy({ descr, shape: [2, 3], body: elementBytes(kind, v, le) });
    const array = parseNpy(bytes, 't.npy');
    expect(array.dtype).toBe(descr);
    expect(array.shape).toEqual([2, 3]);
    expect(array.matrix.rows).toBe(2);
    expect(array.matrix.cols).toBe(3);
    expect(Array.from(array.matrix.data)).toEqual(v.map((x) => Math.fround(x)));
  });

  it('maps any non-zero bool byte to 1', () => {
    const array = parseNpy(buildNpy({ descr: '|b1', shape: [3], body: new Uint8Array([0, 2, 255]) }), 'b.npy');
    expect(Array.from(array.matrix.data)).toEqual([0, 1, 1]);
  });

  it('reads data that starts at an odd byte offset inside a larger buffer', () => {
    const file = buildNpy({ descr: '<f8', shape: [2], body: elementBytes('f8', [0.5, 7]) });
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseNpy(padded.subarray(3), 'o.npy').matrix.data)).toEqual([0.5, 7]);
  });
});

describe('parseNpy shapes and memory order', () => {
  it('transposes Fortran order to row-major (2-D)', () => {
    // Logical [[1, 2, 3], [4, 5, 6]] stored column by column.
    const bytes = buildNpy({ descr: '<f8', shape: [2, 3], fortran: true, body: elementBytes('f8', [1, 4, 2, 5, 3, 6]) });
    const array = parseNpy(bytes, 'f.npy');
    expect(Array.from(array.matrix.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('transposes big-endian Fortran order (2-D, int32)', () => {
    const bytes = buildNpy({ descr: '>i4', shape: [3, 2], fortran: true, body: elementBytes('i4', [1, 3, 5, 2, 4, 6], false) });
    expect(Array.from(parseNpy(bytes, 'f.npy').matrix.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reorders Fortran order in 3-D and flattens the trailing axes', () => {
    // a[i, j, k] = 100 i + 10 j + k for shape (2, 2, 3); Fortran order puts i fastest, then j, then k.
    const fortran: number[] = [];
    for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const array = parseNpy(buildNpy({ descr: '<i2', shape: [2, 2, 3], fortran: true, body: elementBytes('i2', fortran) }), 'f3.npy');
    expect(array.shape).toEqual([2, 2, 3]);
    expect(array.matrix.rows).toBe(2);
    expect(array.matrix.cols).toBe(6);
    expect(Array.from(array.matrix.data)).toEqual([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
  });

  it('turns images [n, 28, 28] into n × 784 rows', () => {
    const n = 3;
    const pixels = Array.from({ length: n * 784 }, (_, i) => i % 251);
    const array = parseNpy(buildNpy({ descr: '|u1', shape: [n, 28, 28], body: elementBytes('u1', pixels) }), 'img.npy');
    expect(array.shape).toEqual([3, 28, 28]);
    expect([array.matrix.rows, array.matrix.cols]).toEqual([3, 784]);
    expect(array.matrix.data[784 + 5]).toBe((784 + 5) % 251);
  });

  it('reads 1-D as a column and 0-d as 1 × 1', () => {
    const one = parseNpy(buildNpy({ descr: '<f4', shape: [4], body: elementBytes('f4', [1, 2, 3, 4]) }), 'v.npy');
    expect([one.matrix.rows, one.matrix.cols]).toEqual([4, 1]);
    const zero = parseNpy(buildNpy({ descr: '<f4', shape: [], body: elementBytes('f4', [9]) }), 's.npy');
    expect([zero.matrix.rows, zero.matrix.cols, zero.matrix.data[0]]).toEqual([1, 1, 9]);
  });

  it('reads format versions 2.0 and 3.0', () => {
    for (const version of [2, 3] as const) {
      const array = parseNpy(buildNpy({ descr: '<f4', shape: [1, 2], version, body: elementBytes('f4', [0.5, 1]) }), 'v.npy');
      expect(Array.from(array.matrix.data)).toEqual([0.5, 1]);
    }
  });
});

describe('parseNpy errors', () => {
  it('rejects a file without the magic', () => {
    expect(message(() => parseNpy(new TextEncoder().encode('a,b\n1,2\n'), 'data.npy'))).toMatch(/data\.npy: not a valid NPY file.*magic/);
  });

  it('reports truncated data with the byte counts', () => {
    const bytes = buildNpy({ descr: '<f8', shape: [10, 3], body: elementBytes('f8', new Array(29).fill(1)) });
    expect(message(() => parseNpy(bytes, 'cut.npy'))).toMatch(
      /cut\.npy: truncated NPY data: shape \(10, 3\) of <f8 needs 240 bytes, the file holds 232/,
    );
  });

  it('reports a truncated header', () => {
    const bytes = buildNpy({ descr: '<f8', shape: [1], body: elementBytes('f8', [1]) }).subarray(0, 30);
    expect(message(() => parseNpy(bytes, 'h.npy'))).toMatch(/h\.npy: .*header is truncated/);
  });

  it.each(['<c16', '<U5', '|O', '<M8[ns]', '<f16', '<f3'])('rejects dtype %s, listing the supported ones', (descr) => {
    const bytes = buildNpy({ descr, shape: [1], body: new Uint8Array(16) });
    expect(message(() => parseNpy(bytes, 'd.npy'))).toMatch(
      new RegExp(`d\\.npy: unsupported dtype ${descr.replace(/[[\]|]/g, '\\$&')}; supported are f2 f4 f8`),
    );
  });

  it('rejects structured arrays', () => {
    const bytes = buildNpy({
      descr: '',
      shape: [1],
      body: new Uint8Array(8),
      headerText: "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }",
    });
    expect(message(() => parseNpy(bytes, 's.npy'))).toMatch(/s\.npy: structured/);
  });

  it('rejects an unknown format version', () => {
    const bytes = buildNpy({ descr: '<f4', shape: [1], body: elementBytes('f4', [1]) });
    bytes[6] = 4;
    expect(message(() => parseNpy(bytes, 'v4.npy'))).toMatch(/v4\.npy: .*version 4\.0 is not supported/);
  });

  it('names row and column of a NaN or infinite value', () => {
    const nan = buildNpy({ descr: '<f8', shape: [3, 2], body: elementBytes('f8', [1, 2, 3, NaN, 5, 6]) });
    expect(message(() => parseNpy(nan, 'nan.npy'))).toMatch(/nan\.npy: row 1, column 1 holds NaN/);
    const inf = buildNpy({ descr: '>f4', shape: [2, 2], fortran: true, body: elementBytes('f4', [1, Infinity, 2, 3], false) });
    // Fortran order: the second stored value is row 1, column 0.
    expect(message(() => parseNpy(inf, 'inf.npy'))).toMatch(/inf\.npy: row 1, column 0 holds Infinity/);
    const big = buildNpy({ descr: '<f8', shape: [1, 2], body: elementBytes('f8', [1, 1e300]) });
    expect(message(() => parseNpy(big, 'big.npy'))).toMatch(/big\.npy: row 0, column 1 .*float32 range/);
  });
});

describe('encodeNpy', () => {
  it('writes a v1.0 <f4 header padded to 64 bytes that parseNpy reads back exactly', () => {
    const m = matrix(new Float32Array([0.1, -2, 3.5, 1e-8, 7, 1e30]), 2, 3);
    const bytes = encodeNpy(m);
    expect(bytes[6]).toBe(1);
    const headerLength = bytes[8]! + 256 * bytes[9]!;
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes[10 + headerLength - 1]).toBe(0x0a);
    expect(bytes.length).toBe(10 + headerLength + 24);
    const back = parseNpy(bytes, 'rt.npy');
    expect(back.dtype).toBe('<f4');
    expect(back.shape).toEqual([2, 3]);
    expect(back.matrix.data).toEqual(m.data);
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNumpy)('NPY interoperability with numpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const python = (code: string): string => {
    const result = spawnSync('python3', ['-c', code], { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout;
  };

  it('reads arrays numpy writes (Fortran, big-endian, float16, version 2.0, 3-D)', () => {
    python(`
import numpy as np
a = np.arange(12, dtype='<f8').reshape(3, 4) / 8
np.save('c.npy', a)
np.save('f.npy', np.asfortranarray(a))
np.save('be.npy', a.astype('>i4'))
np.save('h.npy', a.astype('<f2'))
np.save('img.npy', np.asfortranarray(np.arange(24, dtype='u1').reshape(2, 3, 4)))
np.lib.format.write_array(open('v2.npy', 'wb'), a.astype('<f4'), version=(2, 0))
`);
    const expected = Array.from({ length: 12 }, (_, i) => i / 8);
    for (const name of ['c.npy', 'f.npy', 'h.npy', 'v2.npy']) {
      expect(Array.from(parseNpy(readFileSync(join(dir, name)), name).matrix.data)).toEqual(expected);
    }
    expect(Array.from(parseNpy(readFileSync(join(dir, 'be.npy')), 'be.npy').matrix.data)).toEqual(expected.map(Math.trunc));
    const img = parseNpy(readFileSync(join(dir, 'img.npy')), 'img.npy');
    expect(img.shape).toEqual([2, 3, 4]);
    expect(Array.from(img.matrix.data)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('writes files numpy reads with the same values', () => {
    const m = matrix(new Float32Array([0.1, -2, 3.5, 1e-8, 7, 1e30]), 3, 2);
    writeFileSync(join(dir, 'out.npy'), encodeNpy(m));
    const out = python(`
import numpy as np
a = np.load('out.npy')
print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], ' '.join(repr(float(v)) for v in a.ravel()))
`);
    const [dtype, ...rest] = out.trim().split(' ');
    expect(dtype).toBe('<f4');
    expect(rest.slice(0, 3).join(' ')).toBe('(3, 2) True');
    expect(rest.slice(3).map(Number)).toEqual(Array.from(m.data));
  });
});
