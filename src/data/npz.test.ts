import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { datasetFromNpz, parseNpz } from './npz.js';
import { buildNpy, elementBytes } from './test-utils/npy-bytes.js';

const ADBENCH = resolve(process.cwd(), '../shared/data/adbench');

// Row, feature and anomaly counts from the data README (anomalies counted with numpy).
const FILES: [string, number, number, string, number][] = [
  ['6_cardio.npz', 1831, 21, '<f8', 176],
  ['38_thyroid.npz', 3772, 6, '<f8', 93],
  ['30_satellite.npz', 6435, 36, '|u1', 2036],
  ['32_shuttle.npz', 49097, 9, '<i2', 3511],
  ['42_WBC.npz', 223, 9, '<f8', 10],
  ['28_pendigits.npz', 6870, 16, '<f8', 156],
  ['4_breastw.npz', 683, 9, '|u1', 239],
  ['20_letter.npz', 1600, 32, '|u1', 100],
];

describe('ADBench archives', () => {
  it.each(FILES)('%s: %i samples × %i features (%s), labels 0/1', (file, rows, cols, dtype, anomalies) => {
    const bytes = readFileSync(resolve(ADBENCH, file));
    const arrays = parseNpz(bytes, file);
    expect([...arrays.keys()]).toEqual(['X', 'y']);
    expect(arrays.get('X')?.dtype).toBe(dtype);
    const ds = datasetFromNpz(bytes, file);
    expect([ds.x.rows, ds.x.cols]).toEqual([rows, cols]);
    expect(ds.columns).toHaveLength(cols);
    expect(ds.labels).toHaveLength(rows);
    const labels = ds.labels ?? new Float32Array();
    expect(labels.every((v) => v === 0 || v === 1)).toBe(true);
    expect(labels.reduce((a, b) => a + b, 0)).toBe(anomalies);
    expect(ds.source).toBe(file);
  });

  it('matches values numpy reads from the Fortran-ordered X arrays', () => {
    const cardio = datasetFromNpz(readFileSync(resolve(ADBENCH, '6_cardio.npz')), 'cardio');
    const c = cardio.x;
    expect(Array.from(c.data.subarray(0, 3))).toEqual([0.004912314661768384, 0.6931907749193863, -0.20364048566636067].map(Math.fround));
    expect(c.data[5 * c.cols + 1]).toBe(Math.fround(1.3753142123917679));
    expect(Array.from(c.data.subarray(c.data.length - 2))).toEqual([3.5846529474813322, -0.49329396944014214].map(Math.fround));

    const shuttle = datasetFromNpz(readFileSync(resolve(ADBENCH, '32_shuttle.npz')), 'shuttle');
    const s = shuttle.x;
    expect(Array.from(s.data.subarray(0, 3))).toEqual([50, 21, 77]);
    expect(s.data[5 * s.cols + 1]).toBe(-1);
    expect(Array.from(s.data.subarray(s.data.length - 2))).toEqual([85, 20]);
    expect(Array.from(shuttle.labels?.subarray(0, 5) ?? [])).toEqual([1, 0, 0, 0, 1]);
    let sum = 0;
    for (const v of s.data) sum += v;
    expect(sum).toBe(13157400);

    const satellite = datasetFromNpz(readFileSync(resolve(ADBENCH, '30_satellite.npz')), 'satellite');
    expect(Array.from(satellite.x.data.subarray(0, 3))).toEqual([92, 115, 120]);
    expect(satellite.x.data[5 * 36 + 1]).toBe(94);
  });
});

function npy(values: number[], shape: number[]): Uint8Array {
  return buildNpy({ descr: '<f4', shape, body: elementBytes('f4', values) });
}

describe('parseNpz / datasetFromNpz on built archives', () => {
  const x = npy([1, 2, 3, 4, 5, 6], [3, 2]);
  const y = buildNpy({ descr: '<i8', shape: [3], body: elementBytes('i8', [0, 1, 0]) });

  it('reads stored and deflated members', () => {
    for (const level of [0, 6] as const) {
      const arrays = parseNpz(zipSync({ 'X.npy': x, 'y.npy': y }, { level }), 'a.npz');
      expect(Array.from(arrays.get('X')?.matrix.data ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(arrays.get('y')?.matrix.data ?? [])).toEqual([0, 1, 0]);
    }
  });

  it('picks X (or x, or the first non-y array) as features and y as labels', () => {
    const lower = datasetFromNpz(zipSync({ 'y.npy': y, 'x.npy': x }), 'l.npz');
    expect([lower.x.rows, lower.x.cols]).toEqual([3, 2]);
    expect(Array.from(lower.labels ?? [])).toEqual([0, 1, 0]);
    const other = datasetFromNpz(zipSync({ 'y.npy': y, 'features.npy': x }), 'o.npz');
    expect(other.x.cols).toBe(2);
    const only = datasetFromNpz(zipSync({ 'arr_0.npy': x }), 'only.npz');
    expect(only.labels).toBeUndefined();
    expect(only.x.data[5]).toBe(6);
  });

  it('follows named feature and label arrays, or ignores labels', () => {
    const archive = zipSync({ 'a.npy': npy([9, 8], [2, 1]), 'X.npy': x, 'b.npy': npy([7, 7, 7], [3]) });
    expect(Array.from(datasetFromNpz(archive, 'n.npz', { featureArray: 'a' }).x.data)).toEqual([9, 8]);
    expect(Array.from(datasetFromNpz(archive, 'n.npz', { labelArray: 'b' }).labels ?? [])).toEqual([7, 7, 7]);
    expect(datasetFromNpz(zipSync({ 'X.npy': x, 'y.npy': y }), 'n.npz', { labelArray: null }).labels).toBeUndefined();
  });

  it('keeps the sample shape of image arrays', () => {
    const images = buildNpy({ descr: '|u1', shape: [2, 2, 3], body: new Uint8Array(12) });
    const ds = datasetFromNpz(zipSync({ 'X.npy': images }), 'img.npz');
    expect(ds.sampleShape).toEqual([2, 3]);
    expect(ds.x.cols).toBe(6);
  });

  it('names the archive and member in errors inside a member', () => {
    const bad = buildNpy({ descr: '<f8', shape: [2, 1], body: elementBytes('f8', [1, NaN]) });
    expect(() => parseNpz(zipSync({ 'X.npy': bad }), 'd.npz')).toThrow('d.npz (array X): row 1, column 0 holds NaN');
  });

  it('rejects labels of the wrong length, missing arrays, non-zip data and empty archives', () => {
    const shortY = npy([1, 0], [2]);
    expect(() => datasetFromNpz(zipSync({ 'X.npy': x, 'y.npy': shortY }), 'w.npz')).toThrow(
      'w.npz: labels have shape (2,) but the features have 3 rows',
    );
    expect(() => datasetFromNpz(zipSync({ 'X.npy': x }), 'm.npz', { featureArray: 'Z' })).toThrow(
      'm.npz: no feature array named "Z"; the archive holds X',
    );
    expect(() => datasetFromNpz(zipSync({ 'X.npy': x }), 'm.npz', { labelArray: 'labels' })).toThrow(/no label array named "labels"/);
    expect(() => parseNpz(new TextEncoder().encode('not a zip at all'), 'z.npz')).toThrow(/z\.npz: not a valid NPZ \(zip\) archive/);
    expect(() => parseNpz(zipSync({ 'readme.txt': new Uint8Array([65]) }), 'e.npz')).toThrow('e.npz: the archive holds no .npy arrays');
    const truncated = zipSync({ 'X.npy': x }).subarray(0, 40);
    expect(() => parseNpz(truncated, 't.npz')).toThrow(LatentError);
  });
});
