import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix.js';
import { matrixSource } from './matrix-source.js';
import { defaultSampleRows, sampleRows } from './row-sample.js';

/** n rows of 2 columns: row i holds (i, -i). */
function numbered(n: number) {
  const data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = i;
    data[2 * i + 1] = -i;
  }
  return matrixSource({ x: matrix(data, n, 2), columns: ['i', 'minus'], source: 'numbered' });
}

describe('sampleRows', () => {
  it('returns every row in order when the source holds at most maxRows', async () => {
    const sample = await sampleRows(numbered(50), { maxRows: 50 });
    expect(sample.totalRows).toBe(50);
    expect(Array.from(sample.x.data.subarray(0, 6))).toEqual([0, -0, 1, -1, 2, -2]);
    expect(sample.x.rows).toBe(50);
  });

  it('keeps maxRows whole rows of a larger source, the same ones for the same seed, spread over the whole source', async () => {
    const a = await sampleRows(numbered(20_000), { maxRows: 1000, seed: 3 });
    const b = await sampleRows(numbered(20_000), { maxRows: 1000, seed: 3 });
    const c = await sampleRows(numbered(20_000), { maxRows: 1000, seed: 4 });
    expect(a.totalRows).toBe(20_000);
    expect(a.x.rows).toBe(1000);
    expect(a.x.data).toEqual(b.x.data);
    expect(a.x.data).not.toEqual(c.x.data);
    const indices = Array.from({ length: 1000 }, (_, r) => a.x.data[2 * r]!);
    for (let r = 0; r < 1000; r++) expect(a.x.data[2 * r + 1]).toBe(-indices[r]!);
    expect(new Set(indices).size).toBe(1000);
    // A uniform sample of 0..19999: mean near 10000 (sd of the mean ≈ 180), rows from the last tenth present.
    const mean = indices.reduce((s, v) => s + v, 0) / 1000;
    expect(Math.abs(mean - 10_000)).toBeLessThan(1000);
    expect(indices.filter((i) => i >= 18_000).length).toBeGreaterThan(50);
  });

  it('bounds the default sample by bytes and by rows', () => {
    expect(defaultSampleRows(30)).toBe(559_240);
    expect(defaultSampleRows(1)).toBe(1_000_000);
    expect(defaultSampleRows(784)).toBe(21_399);
  });

  it('refuses a source with no rows', async () => {
    const empty = matrixSource({ x: matrix(new Float32Array(0), 0, 2), columns: ['a', 'b'], source: 'empty.csv' });
    await expect(sampleRows(empty)).rejects.toThrow(/empty\.csv: contains no samples/);
  });
});
