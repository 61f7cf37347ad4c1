import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { matrix } from './matrix.js';
import { loadDataset, saveMatrix } from './node-loaders.js';
import { encodeNpy } from './npy.js';
import { buildNpy, elementBytes } from './test-utils/npy-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'latent-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, contents: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
};

function idxBytes(dims: number[], values: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

describe('loadDataset dispatch', () => {
  it('.csv with options, .tsv, .csv.gz', () => {
    const csv = file('a.csv', 'v,y\n1.5,0\n2.5,1\n');
    const ds = loadDataset(csv, { labelColumn: 'y' });
    expect(Array.from(ds.x.data)).toEqual([1.5, 2.5]);
    expect(Array.from(ds.labels ?? [])).toEqual([0, 1]);
    expect(ds.source).toBe(csv);
    // A .tsv is split on tabs even when commas appear in the first line.
    const tsv = loadDataset(file('b.tsv', 'a,1\tb\n1\t2\n'));
    expect(tsv.columns).toEqual(['a,1', 'b']);
    expect(Array.from(loadDataset(file('c.csv.gz', gzipSync(new TextEncoder().encode('a,b\n3,4\n')))).x.data)).toEqual([3, 4]);
  });

  it('.csv without columns: text columns are left out and listed, also with labels from a file', () => {
    const csv = file('ids.csv', 'id,v,w\nr0,1,2\nr1,3,4\n');
    const labels = file('ids-labels.npy', encodeNpy(matrix(Float32Array.of(0, 1), 2, 1)));
    const ds = loadDataset(csv, { labelsPath: labels });
    expect(ds.columns).toEqual(['v', 'w']);
    expect(ds.skippedColumns).toEqual([{ name: 'id', index: 0, reason: 'text' }]);
    expect(Array.from(ds.labels ?? [])).toEqual([0, 1]);
    const npy = file('ids.npy', encodeNpy(matrix(Float32Array.of(1, 2), 2, 1)));
    expect(() => loadDataset(npy, { columnsFrom: 'a model' })).toThrow(/option columnsFrom does not apply to NPY data/);
  });

  it('.npy (with sample shape) and .npz', () => {
    const ds = loadDataset(file('img.npy', buildNpy({ descr: '|u1', shape: [2, 2, 2], body: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) })));
    expect([ds.x.rows, ds.x.cols]).toEqual([2, 4]);
    expect(ds.sampleShape).toEqual([2, 2]);
    expect(ds.columns).toEqual(['x0', 'x1', 'x2', 'x3']);
    const wbc = loadDataset(resolve(process.cwd(), '../shared/data/adbench/42_WBC.npz'));
    expect([wbc.x.rows, wbc.x.cols, wbc.labels?.length]).toEqual([223, 9, 223]);
  });

  it('.csv.gz whose gzip trailer claims 4 GiB loads without allocating it', () => {
    const gz = gzipSync(new TextEncoder().encode('a,b\n3,4\n'));
    gz.set([0xff, 0xff, 0xff, 0xff], gz.length - 4);
    const before = process.memoryUsage().arrayBuffers;
    expect(Array.from(loadDataset(file('claims.csv.gz', gz)).x.data)).toEqual([3, 4]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('IDX by .idx, *ubyte and .gz names, with labels from a second file', () => {
    const images = idxBytes([3, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const labels = idxBytes([3], [7, 2, 1]);
    const plain = loadDataset(file('train-images-idx3-ubyte', images), { labelsPath: file('train-labels-idx1-ubyte', labels) });
    expect([plain.x.rows, plain.x.cols]).toEqual([3, 4]);
    expect(plain.sampleShape).toEqual([2, 2]);
    expect(Array.from(plain.labels ?? [])).toEqual([7, 2, 1]);
    expect(loadDataset(file('imgs.idx', images)).x.data[11]).toBe(11);
    expect(loadDataset(file('t10k-images-idx3-ubyte.gz', gzipSync(images))).x.rows).toBe(3);
    const npyLabels = file('labels.npy', buildNpy({ descr: '<i8', shape: [3], body: elementBytes('i8', [1, 0, 1]) }));
    expect(Array.from(loadDataset(file('i.ubyte', images), { labelsPath: npyLabels }).labels ?? [])).toEqual([1, 0, 1]);
    const csvLabels = file('labels.csv', 'y\n0\n0\n1\n');
    expect(Array.from(loadDataset(file('j.ubyte', images), { labelsPath: csvLabels }).labels ?? [])).toEqual([0, 0, 1]);
  });

  it('a real NAB series with a timestamp column', () => {
    const ds = loadDataset(resolve(process.cwd(), '../shared/data/nab/artificialWithAnomaly/art_daily_jumpsup.csv'), {
      timestampColumn: 'timestamp',
    });
    expect([ds.x.rows, ds.x.cols]).toEqual([4032, 1]);
    expect(ds.columns).toEqual(['value']);
    expect(ds.timestamps?.[0]).toBe(Date.UTC(2014, 3, 1));
    expect((ds.timestamps?.[1] ?? 0) - (ds.timestamps?.[0] ?? 0)).toBe(5 * 60 * 1000);
  });

  it('built-in mnist, mnist:train and mnist:test', () => {
    expect(loadDataset('mnist').x.rows).toBe(7996);
    expect(loadDataset('mnist:train').x.rows).toBe(7996);
    expect(loadDataset('mnist:test').x.rows).toBe(2004);
  });
});

describe('loadDataset errors', () => {
  it('unknown extension lists the supported ones', () => {
    const path = file('data.xlsx', 'x');
    expect(() => loadDataset(path)).toThrow(
      new RegExp(`${path.replace(/[.\\]/g, '\\$&')}: unknown file type "\\.xlsx"; supported are \\.csv, \\.tsv`),
    );
    // Parquet is read by row groups, asynchronously: the synchronous loader points there.
    expect(() => loadDataset(file('data.parquet', 'x'))).toThrow(/Parquet files are read asynchronously/);
    expect(() => loadDataset(file('noext', 'x'))).toThrow(/unknown file type \(no extension\)/);
  });

  it('missing file and directory name the path', () => {
    const missing = join(dir, 'nope.csv');
    expect(() => loadDataset(missing)).toThrow(`${missing}: no such file`);
    const sub = join(dir, 'folder.csv');
    mkdirSync(sub);
    expect(() => loadDataset(sub)).toThrow(`${sub}: is a directory, not a data file`);
  });

  it('options that do not fit the format', () => {
    const npy = file('m.npy', encodeNpy(matrix(new Float32Array([1, 2]), 2, 1)));
    expect(() => loadDataset(npy, { labelColumn: 'y' })).toThrow(/m\.npy: option labelColumn does not apply to NPY data/);
    expect(() => loadDataset(file('k.csv', 'a\n1\n'), { featureArray: 'X' })).toThrow(/option featureArray does not apply to CSV data/);
    expect(() => loadDataset('mnist', { labelsPath: 'l.npy' })).toThrow(/option labelsPath does not apply to MNIST data/);
    expect(() => loadDataset(file('l2.csv', 'a,y\n1,0\n'), { labelColumn: 'y', labelsPath: npy })).toThrow(/labels are given twice/);
  });

  it('labels file of the wrong length names both files', () => {
    const images = file('w.ubyte', idxBytes([2, 1, 1], [1, 2]));
    const labels = file('w-labels.ubyte', idxBytes([3], [0, 1, 2]));
    expect(() => loadDataset(images, { labelsPath: labels })).toThrow(`${labels}: holds labels of shape (3,), but ${images} has 2 rows`);
  });

  it('errors from parsers carry the path', () => {
    const bad = file('bad.csv', 'a,b\n1,2\n3,x\n');
    expect(() => loadDataset(bad)).toThrow(`${bad}: row 3, column "b" (index 1): non-numeric value "x"`);
    expect(() => loadDataset(file('empty.npy', new Uint8Array(0)))).toThrow(LatentError);
    expect(() => loadDataset(file('zero.npy', buildNpy({ descr: '<f4', shape: [0, 3], body: new Uint8Array(0) })))).toThrow(
      /zero\.npy: contains no samples/,
    );
  });
});

describe('saveMatrix', () => {
  const m = matrix(new Float32Array([0.1, -2, 3.5, 1e-8, 7, 1e30]), 3, 2);

  it('writes .npy and .csv that load back to the same values', () => {
    const npy = join(dir, 'out.npy');
    saveMatrix(npy, m);
    expect(loadDataset(npy).x.data).toEqual(m.data);
    const csv = join(dir, 'out.csv');
    saveMatrix(csv, m, { header: ['a', 'b'], extraColumns: [{ name: 'score', values: [1, 2, 3] }] });
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('a,b,score');
    const back = loadDataset(csv, { columns: ['a', 'b'] });
    expect(back.x.data).toEqual(m.data);
  });

  it('refuses to overwrite unless asked', () => {
    const path = join(dir, 'keep.npy');
    saveMatrix(path, m);
    const other = matrix(new Float32Array([5]), 1, 1);
    expect(() => saveMatrix(path, other)).toThrow(/already exists/);
    expect(loadDataset(path).x.rows).toBe(3);
    saveMatrix(path, other, { overwrite: true });
    expect(Array.from(loadDataset(path).x.data)).toEqual([5]);
  });

  it('rejects other extensions and CSV-only options for .npy', () => {
    expect(() => saveMatrix(join(dir, 'x.parquet'), m)).toThrow(/cannot write "\.parquet" files; supported outputs are \.csv and \.npy/);
    expect(() => saveMatrix(join(dir, 'h.npy'), m, { header: ['a', 'b'] })).toThrow(/can only be written to CSV/);
  });
});
