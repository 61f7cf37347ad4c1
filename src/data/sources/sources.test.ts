import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, zipSync } from 'fflate';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { caughtLatentError } from '../../test-utils/errors.js';
import { parseCsv } from '../csv.js';
import { matrix } from '../matrix.js';
import { encodeNpy } from '../npy.js';
import { collectRows } from './collect.js';
import { matrixSource } from './matrix-source.js';
import { openRowSource } from './open-source.js';
import type { RowSource } from './row-source.js';

const dir = mkdtempSync(join(tmpdir(), 'latent-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

async function chunkSizes(source: RowSource, chunkRows: number): Promise<number[]> {
  const sizes: number[] = [];
  for await (const chunk of source.chunks({ chunkRows })) sizes.push(chunk.x.rows);
  return sizes;
}

/** A CSV with a quoted id column holding commas, quotes and line breaks. */
function quotedCsv(rows: number, newline: string, finalNewline: boolean): string {
  const lines = ['id,a,b'];
  for (let r = 0; r < rows; r++) lines.push(`"row ${r}, ""x""${r % 7 === 0 ? '\nsecond line' : ''}",${r},${r / 4}`);
  return lines.join(newline) + (finalNewline ? newline : '');
}

describe('CSV rows in chunks', () => {
  it('reads what the in-memory parser reads: quoted fields across chunk boundaries, CRLF, no final newline', async () => {
    // ~40 kB of text: the byte stream arrives in several pieces, so quoted fields straddle them.
    for (const [newline, finalNewline] of [
      ['\n', true],
      ['\r\n', true],
      ['\r\n', false],
      ['\n', false],
    ] as const) {
      const text = quotedCsv(1500, newline, finalNewline);
      const path = file(`q${newline.length}${finalNewline}.csv`, text);
      const source = await openRowSource(path, { idColumn: 'id' });
      const rows = await collectRows(source);
      const reference = parseCsv(text, { idColumn: 'id' }, path);
      expect(rows.x.data).toEqual(reference.x.data);
      expect(rows.ids).toEqual(reference.ids);
      expect(rows.ids?.[7]).toBe('row 7, "x"\nsecond line');
      expect(await chunkSizes(source, 400)).toEqual([400, 400, 400, 300]);
    }
  });

  it('reads a file shorter than one chunk, and TSV, gzip and standard input', async () => {
    const small = await openRowSource(file('small.csv', 'a,b\n1,2\n3,4'));
    expect(await chunkSizes(small, 1000)).toEqual([2]);
    const tsv = await collectRows(await openRowSource(file('t.tsv', 'a\tb\n1\t2\n')));
    expect(Array.from(tsv.x.data)).toEqual([1, 2]);
    const gz = await collectRows(await openRowSource(file('g.csv.gz', gzipSync(new TextEncoder().encode('a,b\n5,6\n')))));
    expect(Array.from(gz.x.data)).toEqual([5, 6]);
    const stdin = Readable.from([Buffer.from('a,b\n7,'), Buffer.from('8\n9,10\n')]);
    const piped = await openRowSource('-', { stdin });
    expect(Array.from((await collectRows(piped)).x.data)).toEqual([7, 8, 9, 10]);
    expect(piped.rereadable).toBe(false);
  });

  it('names the file, line and column of a bad cell past the first chunk', async () => {
    const text = `a,b\n${Array.from({ length: 300 }, (_, i) => `${i},${i === 250 ? 'oops' : i}`).join('\n')}\n`;
    const source = await openRowSource(file('bad.csv', text));
    const error = await collectRows(source).catch((e: unknown) => e);
    expect(String(error)).toMatch(/bad\.csv: row 252, column "b" \(index 1\): non-numeric value "oops"/);
  });
});

describe('NPY, NPZ, Parquet and globs in chunks', () => {
  const values = Float32Array.from({ length: 1000 * 3 }, (_, i) => i * 0.5);
  const m = matrix(values, 1000, 3);

  it('reads an .npy file by row ranges and by blocks, and the same bytes from standard input', async () => {
    const path = file('x.npy', encodeNpy(m));
    const source = await openRowSource(path);
    expect(source.rows).toBe(1000);
    expect(await chunkSizes(source, 300)).toEqual([300, 300, 300, 100]);
    expect((await collectRows(source)).x.data).toEqual(values);
    const block = await source.blocks!.read(source.blocks!.count - 1);
    expect(block.start).toBe((source.blocks!.count - 1) * source.blocks!.blockRows);
    const bytes = encodeNpy(m);
    const stdin = Readable.from([bytes.subarray(0, 100), bytes.subarray(100, 5000), bytes.subarray(5000)]);
    expect((await collectRows(await openRowSource('-', { stdin }))).x.data).toEqual(values);
  });

  it('reports a truncated .npy and a NaN by their row in the whole file', async () => {
    const bytes = encodeNpy(m);
    const cut = file('cut.npy', bytes.subarray(0, bytes.length - 10));
    expect((await caughtAsync(() => openRowSource(cut))).message).toMatch(/truncated NPY data/);
    const withNan = values.slice();
    withNan[3 * 700 + 1] = NaN;
    const nan = await openRowSource(file('nan.npy', encodeNpy(matrix(withNan, 1000, 3))));
    expect((await caughtAsync(() => collectRows(nan))).message).toMatch(/row 700, column 1 holds NaN/);
  });

  it('reads the X member of an .npz archive with its y labels, stored or deflated', async () => {
    const labels = Float32Array.from({ length: 1000 }, (_, i) => i % 2);
    const members = { 'X.npy': encodeNpy(m), 'y.npy': encodeNpy(matrix(labels, 1000, 1)) };
    for (const level of [0, 6] as const) {
      const source = await openRowSource(file(`a${level}.npz`, zipSync(members, { level })));
      expect(source.hasLabels).toBe(true);
      const rows = await collectRows(source);
      expect(rows.x.data).toEqual(values);
      expect(rows.labels).toEqual(labels);
    }
  });

  it('reads Parquet numeric columns, skips text, and carries an id column', async () => {
    const path = join(dir, 'p.parquet');
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: 'name', data: Array.from({ length: 1000 }, (_, i) => `n${i}`), type: 'STRING' },
        { name: 'a', data: Array.from({ length: 1000 }, (_, i) => values[3 * i]!), type: 'DOUBLE' },
        { name: 'b', data: Array.from({ length: 1000 }, (_, i) => i), type: 'INT32' },
      ],
      rowGroupSize: 256,
    });
    const plain = await openRowSource(path);
    expect(plain.columns).toEqual(['a', 'b']);
    expect(plain.skippedColumns?.map((c) => c.name)).toEqual(['name']);
    const withIds = await collectRows(await openRowSource(path, { idColumn: 'name' }));
    expect(withIds.ids?.[999]).toBe('n999');
    expect(withIds.x.data[2 * 999 + 1]).toBe(999);
  });

  it('reads a glob of files as one source, and refuses parts whose columns differ', async () => {
    file('part-1.csv', 'a,b\n1,2\n');
    file('part-2.csv', 'a,b\n3,4\n5,6\n');
    const all = await openRowSource(join(dir, 'part-*.csv'));
    const rows = await collectRows(all);
    expect(Array.from(rows.x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    file('part-3.csv', 'a,c\n1,2\n');
    expect((await caughtAsync(() => openRowSource(join(dir, 'part-*.csv')))).message).toMatch(/part-3\.csv has the columns a, c/);
    expect((await caughtAsync(() => openRowSource(join(dir, 'none-*.csv')))).message).toMatch(/no files match/);
  });

  it('serves in-memory data in chunks', async () => {
    const source = matrixSource({ x: m, columns: ['a', 'b', 'c'], source: 'memory' });
    expect(await chunkSizes(source, 400)).toEqual([400, 400, 200]);
  });
});

async function caughtAsync(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  return caughtLatentError(() => {
    throw new Error('expected an error');
  });
}
