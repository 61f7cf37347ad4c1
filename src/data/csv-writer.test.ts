import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { parseCsv } from './csv.js';
import { encodeCsv, formatFloat32 } from './csv-writer.js';
import { matrix } from './matrix.js';

describe('formatFloat32', () => {
  it.each([
    [0.1, '0.1'],
    [1 / 3, '0.33333334'],
    [-2.5, '-2.5'],
    [1e-8, '1e-8'],
    [3, '3'],
    [1e30, '1e+30'],
  ])('%s → %s', (v, text) => {
    expect(formatFloat32(Math.fround(v))).toBe(text);
  });
});

describe('encodeCsv', () => {
  it('writes the known text for a small matrix', () => {
    const m = matrix(new Float32Array([1, 0.5, -2, 0.1]), 2, 2);
    expect(encodeCsv(m)).toBe('1,0.5\n-2,0.1\n');
    expect(encodeCsv(m, ['a', 'b,c'])).toBe('a,"b,c"\n1,0.5\n-2,0.1\n');
  });

  it('appends extra columns, keeping float64 numbers and quoting text', () => {
    const m = matrix(new Float32Array([1, 2]), 2, 1);
    const text = encodeCsv(
      m,
      ['v'],
      [
        { name: 'score', values: [0.25, 1396310400000.5] },
        { name: 'note', values: ['ok', 'say "hi"'] },
      ],
    );
    expect(text).toBe('v,score,note\n1,0.25,ok\n2,1396310400000.5,"say ""hi"""\n');
  });

  it('round-trips random float32 values exactly through parseCsv', () => {
    const data = new Float32Array(200);
    let seed = 7;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      data[i] = (seed / 2 ** 31 - 0.5) * 10 ** ((i % 13) - 6);
    }
    const m = matrix(data, 40, 5);
    const header = ['a', 'b', 'c', 'd', 'e'];
    const back = parseCsv(encodeCsv(m, header), {}, 'rt.csv');
    expect(back.columns).toEqual(header);
    expect(back.x.data).toEqual(data);
    const noHeader = parseCsv(encodeCsv(m), {}, 'rt.csv');
    expect(noHeader.x.data).toEqual(data);
  });

  it('round-trips labels written as an extra column', () => {
    const m = matrix(new Float32Array([0.5, 1.5, 2.5, 3.5]), 2, 2);
    const back = parseCsv(encodeCsv(m, ['a', 'b'], [{ name: 'y', values: [1, 0] }]), { labelColumn: 'y' }, 'l.csv');
    expect(back.x.data).toEqual(m.data);
    expect(Array.from(back.labels ?? [])).toEqual([1, 0]);
  });

  it('rejects a header or extra column of the wrong length', () => {
    const m = matrix(new Float32Array(4), 2, 2);
    expect(() => encodeCsv(m, ['a'])).toThrow(LatentError);
    expect(() => encodeCsv(m, ['a'])).toThrow(/1 names for 2 columns/);
    expect(() => encodeCsv(m, undefined, [{ name: 's', values: [1] }])).toThrow(/column "s" has 1 values for 2 rows/);
  });
});
