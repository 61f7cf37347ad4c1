import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { datasetFromArrays } from './ndarray.js';
import { parseNpy } from './npy.js';
import { NPY_MAX_HEADER_TEXT, npyHeaderLength, parseNpyHeader } from './npy-header.js';
import { buildNpy, elementBytes } from './test-utils/npy-bytes.js';

const body = elementBytes('f4', [1, 2, 3, 4, 5, 6]);
const withHeader = (headerText: string, bytes = body, version: 1 | 2 | 3 = 1): Uint8Array =>
  buildNpy({ descr: '<f4', shape: [2, 3], headerText, body: bytes, version });

describe('parseNpyHeader reads the header as the Python literal NumPy reads', () => {
  it('returns dtype, shape, order, header length and data length', () => {
    const bytes = withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    const header = parseNpyHeader(bytes, 'x.npy');
    expect(header).toMatchObject({ descr: '<f4', shape: [2, 3], fortranOrder: false, headerLength: 128, dataLength: 24, version: [1, 0] });
    expect(header.dtype).toEqual({ kind: 'f', size: 4, littleEndian: true });
    expect(npyHeaderLength(bytes.subarray(0, 12))).toBe(128);
  });

  it('accepts the forms NumPy writes and reads: double quotes, no trailing comma, (n,), (), 3L in v1', () => {
    expect(parseNpyHeader(withHeader('{"descr": "<f4", "shape": (6,), "fortran_order": True}'), 'x').shape).toEqual([6]);
    expect(parseNpyHeader(withHeader("{'descr':'<f4','fortran_order':False,'shape':()}", body.subarray(0, 4)), 'x').shape).toEqual([]);
    expect(parseNpyHeader(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }"), 'x').shape).toEqual([2, 3]);
    expect(parseNpyHeader(withHeader("{'descr': '<f4',\n 'fortran_order': False,\n 'shape': (2, 3)}", body, 3), 'x').shape).toEqual([2, 3]);
  });

  it.each([
    [
      'a duplicated key (NumPy keeps the last, a regex the first)',
      "{'descr': '<i4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      /names 'descr' twice/,
    ],
    ['no closing brace', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", /ends early|closing/],
    ['a missing key', "{'descr': '<f4', 'shape': (2, 3), }", /lacks fortran_order/],
    ['an extra key', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", /unexpected keys x/],
    ['a shape that is not a tuple', "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", /"shape" is not a tuple/],
    ['a negative size', "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }", /"shape" holds -2/],
    ['a string as fortran_order', "{'descr': '<f4', 'fortran_order': 'False', 'shape': (2, 3), }", /not True or False/],
    ['an int as fortran_order', "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", /not True or False/],
    ['text after the dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } x", /after the header dict/],
    ['a list, not a dict', "['descr', '<f4']", /not a dict/],
    ['a float size', "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0, 3), }", /followed by/],
    [
      'a size with a leading zero (a syntax error in Python 3)',
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 03), }",
      /leading zero/,
    ],
    ['3L in a version 3 header', "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3), }", /followed by "L"/],
  ])('refuses %s', (_name, text, message) => {
    const version = text.includes('2L, 3)') ? 3 : 1;
    expect(caughtLatentError(() => parseNpy(withHeader(text, body, version), 'x.npy')).message).toMatch(message);
  });

  it('refuses a header longer than NumPy reads', () => {
    const text = `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(NPY_MAX_HEADER_TEXT)}`;
    expect(caughtLatentError(() => parseNpy(withHeader(text, body, 2), 'x.npy')).message).toMatch(/more than the 10000/);
  });

  it('names structured arrays as unsupported', () => {
    const text = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }";
    expect(caughtLatentError(() => parseNpy(withHeader(text), 'x.npy')).message).toMatch(/structured \(record\) arrays/);
  });

  it('refuses bytes after the declared data', () => {
    const bytes = withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", elementBytes('f4', [1, 2, 3, 4, 5, 6, 7]));
    expect(caughtLatentError(() => parseNpy(bytes, 'x.npy')).message).toMatch(/4 bytes after the array data/);
  });

  it('refuses a data set whose samples have 0 features', () => {
    const array = parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 0), }", new Uint8Array(0)), 'x.npy');
    expect(caughtLatentError(() => datasetFromArrays(array, 'x.npy')).message).toMatch(/shape \(5, 0\), so each sample has 0 features/);
  });
});
