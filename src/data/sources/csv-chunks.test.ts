import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { plainFloat32 } from '../csv-layout.js';
import { parseCsv } from '../csv.js';
import { collectRows } from './collect.js';
import { openRowSource } from './open-source.js';

/** `text` as standard input arriving in pieces of `size` bytes. */
function inPieces(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return Readable.from(pieces);
}

/** Quoted ids with delimiters, doubled quotes and line breaks; CRLF or LF; a final newline or not. */
function awkwardCsv(rows: number, newline: string, finalNewline: boolean): string {
  const lines = ['id,a,"b"'];
  for (let r = 0; r < rows; r++) lines.push(`"r${r}, ""q""${r % 3 === 0 ? `${newline}next` : ''}",${r - 7}.5,"${r * 1e-3}"`);
  return lines.join(newline) + (finalNewline ? newline : '');
}

describe('CSV records split anywhere between byte chunks', () => {
  it('reads what the in-memory parser reads whatever the piece size: inside quotes, between \\r and \\n, at the end', async () => {
    for (const [newline, finalNewline] of [
      ['\r\n', true],
      ['\r\n', false],
      ['\n', false],
    ] as const) {
      const text = awkwardCsv(30, newline, finalNewline);
      const reference = parseCsv(text, { idColumn: 'id' }, 'ref.csv');
      // Piece sizes 1..9 put a boundary at every kind of position: in a quoted field, on a
      // doubled quote, between \r and \n, in a number, on the last byte.
      for (let size = 1; size <= 9; size++) {
        const source = await openRowSource('-', { idColumn: 'id', stdin: inPieces(text, size) });
        const rows = await collectRows(source);
        expect(rows.x.data).toEqual(reference.x.data);
        expect(rows.ids).toEqual(reference.ids);
      }
    }
  });

  it('hands over rows in chunks of the requested size, the last one shorter, from a file shorter than a byte chunk', async () => {
    const text = awkwardCsv(25, '\n', true);
    const source = await openRowSource('-', { stdin: inPieces(text, 5), idColumn: 'id' });
    const sizes: number[] = [];
    const starts: number[] = [];
    for await (const chunk of source.chunks({ chunkRows: 4 })) {
      sizes.push(chunk.x.rows);
      starts.push(chunk.start);
    }
    expect(sizes).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(starts).toEqual([0, 4, 8, 12, 16, 20, 24]);
  });

  it('names the line of a bad cell and of an unclosed quote past the first pieces', async () => {
    const bad = `a,b\n${Array.from({ length: 40 }, (_, i) => `${i},${i === 33 ? '0x10' : i}`).join('\n')}\n`;
    const error = await caughtAsync(async () => collectRows(await openRowSource('-', { stdin: inPieces(bad, 3) })));
    expect(error.message).toMatch(/row 35, column "b" \(index 1\): non-numeric value "0x10"/);
    const unclosed = `a,b\n1,2\n3,"4\n5,6\n`;
    const quote = await caughtAsync(async () => collectRows(await openRowSource('-', { stdin: inPieces(unclosed, 2) })));
    expect(quote.message).toMatch(/cannot parse as CSV: .*quote/i);
  });

  it('stops reading a file when the reader stops early', async () => {
    const source = await openRowSource('-', { stdin: inPieces(awkwardCsv(50, '\n', true), 64) });
    for await (const chunk of source.chunks({ chunkRows: 10 })) {
      expect(chunk.x.rows).toBe(10);
      break;
    }
  });
});

describe('plainFloat32 (the numeric cell fast path)', () => {
  it('reads plain decimals as float32, as Number and Math.fround do', () => {
    for (const text of ['0', '-0', '12', '+3.25', '-.5', '5.', '1e5', '1.5E-3', '007', '0e3', '3.4e38', '0.1']) {
      expect(plainFloat32(text)).toBe(Math.fround(Number(text)));
    }
  });

  it('leaves to the full reading what is not a plain decimal or overflows float32', () => {
    for (const text of [
      '',
      ' 1',
      '1 ',
      '0x10',
      '0X10',
      '0b1',
      '0o7',
      'Infinity',
      '-Infinity',
      'NaN',
      '1e',
      '.',
      '-',
      '1,5',
      '1e39',
      '1_0',
      '"1"',
    ]) {
      expect(plainFloat32(text)).toBeNaN();
    }
  });
});

async function caughtAsync(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
