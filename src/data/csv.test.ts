import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { caughtLatentError } from '../test-utils/errors.js';
import { parseCsv } from './csv.js';
import type { CsvOptions } from './csv.js';

function message(text: string, options: CsvOptions = {}, source = 'data.csv'): string {
  return caughtLatentError(() => parseCsv(text, options, source)).message;
}

describe('parseCsv: values, header and delimiter', () => {
  it('reads a header and numbers, including signs and exponents', () => {
    const ds = parseCsv('a,b,c\n1,-2.5,3e2\n.5,+4,-1E-3\n', {}, 'a.csv');
    expect(ds.columns).toEqual(['a', 'b', 'c']);
    expect([ds.x.rows, ds.x.cols]).toEqual([2, 3]);
    expect(Array.from(ds.x.data)).toEqual([1, -2.5, 300, 0.5, 4, -0.001].map(Math.fround));
    expect(ds.source).toBe('a.csv');
    expect(ds.labels).toBeUndefined();
    expect(ds.timestamps).toBeUndefined();
  });

  it('treats an all-numeric first row as data and names columns x0…', () => {
    const ds = parseCsv('1,2\n3,4\n', {}, 'n.csv');
    expect(ds.columns).toEqual(['x0', 'x1']);
    expect(Array.from(ds.x.data)).toEqual([1, 2, 3, 4]);
  });

  it('can be told there is a header, or that there is none', () => {
    expect(parseCsv('1,2\n3,4\n', { header: true }, 'h.csv').columns).toEqual(['1', '2']);
    expect(() => parseCsv('a,b\n1,2\n', { header: false }, 'h.csv')).toThrow(/row 1, column "x0" \(index 0\): non-numeric value "a"/);
  });

  it('keeps a headerless first row whose text cells are timestamps', () => {
    const ds = parseCsv('2020-01-01,1\n2020-01-02,2\n', { timestampColumn: 0 }, 't.csv');
    expect(ds.x.rows).toBe(2);
    expect(ds.timestamps).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2)]);
  });

  it('detects semicolon and tab delimiters, and honours quotes and CRLF', () => {
    expect(Array.from(parseCsv('a;b\n1;2\n', {}, 's.csv').x.data)).toEqual([1, 2]);
    expect(Array.from(parseCsv('a\tb\r\n1\t2\r\n', {}, 't.tsv').x.data)).toEqual([1, 2]);
    const quoted = parseCsv('"name, with comma",b\n"1",2\n', {}, 'q.csv');
    expect(quoted.columns).toEqual(['name, with comma', 'b']);
    expect(Array.from(quoted.x.data)).toEqual([1, 2]);
  });

  it('skips a BOM, blank lines and spaces around values, counting lines as in the file', () => {
    const ds = parseCsv('\ufeffa, b\n 1 , 2\n\n   \n3,4\n', {}, 'b.csv');
    expect(ds.columns).toEqual(['a', 'b']);
    expect(Array.from(ds.x.data)).toEqual([1, 2, 3, 4]);
    expect(message('a,b\n1,2\n\n3,x\n')).toMatch(/row 4/);
  });
});

describe('parseCsv: column selection, labels and timestamps', () => {
  const text = 'id,timestamp,temp,label,pressure\nA,2014-04-01 00:00:00,20.5,0,1000\nB,2014-04-01 00:05:00,21,1,1001\n';

  it('selects columns by name and by index, in the given order', () => {
    const ds = parseCsv(text, { columns: ['pressure', 2] }, 'm.csv');
    expect(ds.columns).toEqual(['pressure', 'temp']);
    expect(Array.from(ds.x.data)).toEqual([1000, 20.5, 1001, 21]);
  });

  it('returns labels and timestamps apart from the features', () => {
    const ds = parseCsv(text, { columns: ['temp', 'pressure'], labelColumn: 'label', timestampColumn: 1 }, 'm.csv');
    expect(ds.columns).toEqual(['temp', 'pressure']);
    expect(Array.from(ds.labels ?? [])).toEqual([0, 1]);
    expect(ds.timestamps).toEqual([Date.UTC(2014, 3, 1, 0, 0), Date.UTC(2014, 3, 1, 0, 5)]);
  });

  it('uses every other column as a feature when none are selected', () => {
    const ds = parseCsv('t,v,y\n0,1.5,1\n1,2.5,0\n', { labelColumn: 'y', timestampColumn: 't' }, 'd.csv');
    expect(ds.columns).toEqual(['v']);
    expect(ds.timestamps).toEqual([0, 1]);
  });

  it('reads timestamps with zones and other Date.parse forms', () => {
    const ds = parseCsv(
      't,v\n2014-04-01T02:00:00+02:00,1\n"Tue, 01 Apr 2014 00:00:00 GMT",2\n2014-04-01,3\n',
      { timestampColumn: 't' },
      'z.csv',
    );
    expect(ds.timestamps).toEqual([Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1)]);
  });

  it('names file, row and column of a timestamp that does not parse', () => {
    expect(message('t,v\n2014-04-01,1\nyesterday,2\n', { timestampColumn: 't' }, 'ts.csv')).toBe(
      'ts.csv: row 3, column "t" (index 0): cannot read as a date/time: "yesterday"',
    );
  });

  it('rejects unknown names, out-of-range indices and overlapping roles', () => {
    expect(message(text, { columns: ['tmp'] }, 'm.csv')).toMatch(
      /m\.csv: no column named "tmp" \(feature column\); the columns are "id", "timestamp"/,
    );
    expect(message(text, { labelColumn: 7 }, 'm.csv')).toMatch(/label column index 7 is out of range; the file has 5 columns/);
    expect(message(text, { columns: ['temp', 'label'], labelColumn: 'label' }, 'm.csv')).toMatch(/column "label" is the label column/);
    expect(message('1,2\n3,4\n', { labelColumn: 'y' }, 'n.csv')).toMatch(/no column named "y"/);
    expect(message(text, { columns: [2, 'temp'] }, 'm.csv')).toMatch(/selected twice/);
  });
});

describe('parseCsv: bad cells name file, row, column and text', () => {
  it('non-numeric cell (the unselected text column is fine, a selected one is not)', () => {
    const text = 'id,a,b\nx,1,2\ny,3,4\n';
    expect(Array.from(parseCsv(text, { columns: ['a', 'b'] }, 'c.csv').x.data)).toEqual([1, 2, 3, 4]);
    expect(message('id,a,b\nx,1,2\ny,3,oops\n', { columns: ['a', 'b'] }, 'c.csv')).toBe(
      'c.csv: row 3, column "b" (index 2): non-numeric value "oops"',
    );
    expect(message('a,b\n1,2\n3,oops\n', {}, 'c.csv')).toBe('c.csv: row 3, column "b" (index 1): non-numeric value "oops"');
    expect(message(text, { columns: ['id', 'a'] }, 'c.csv')).toMatch(/c\.csv: row 2, column "id" \(index 0\): non-numeric value "x"/);
  });

  it('empty cell', () => {
    expect(message('a,b\n1,2\n3,\n', {}, 'e.csv')).toBe('e.csv: row 3, column "b" (index 1): empty cell ""');
  });

  it.each(['NaN', 'nan', 'inf', '-Infinity'])('%s', (cell) => {
    expect(message(`a,b\n1,${cell}\n`, {}, 'n.csv')).toBe(`n.csv: row 2, column "b" (index 1): NaN/Inf value "${cell}"`);
  });

  it('value beyond float32 and decimal comma', () => {
    expect(message('a\n1\n1e39\n', {}, 'f.csv')).toMatch(/f\.csv: row 3, column "a" \(index 0\): value outside the float32 range/);
    expect(message('a;b\n1;2,5\n', {}, 'd.csv')).toMatch(/d\.csv: row 2, column "b" \(index 1\): decimal comma in "2,5"/);
  });

  it('non-numeric label', () => {
    expect(message('a,y\n1,normal\n', { labelColumn: 'y' }, 'l.csv')).toBe(
      'l.csv: row 2, column "y" (index 1): non-numeric value "normal"',
    );
  });

  it('has hints', () => {
    try {
      parseCsv('a\nx1\n', { header: true }, 'h.csv');
    } catch (error) {
      expect((error as LatentError).hint).toMatch(/numeric/);
    }
    expect.assertions(1);
  });
});

describe('parseCsv: file-level errors', () => {
  it('ragged rows name the row and both field counts', () => {
    expect(message('a,b,c\n1,2,3\n4,5\n', {}, 'r.csv')).toBe('r.csv: row 3 has 2 fields, but the header has 3');
    expect(message('1,2\n3,4,5\n', {}, 'r.csv')).toBe('r.csv: row 2 has 3 fields, but the first row has 2');
  });

  it('empty file, blank file and header only', () => {
    expect(message('', {}, 'e.csv')).toBe('e.csv: the file is empty');
    expect(message('\n  \n', {}, 'e.csv')).toBe('e.csv: the file is empty');
    expect(message('a,b\n', {}, 'h.csv')).toBe('h.csv: the file has a header but no data rows');
  });

  it('unclosed quote', () => {
    expect(message('a,b\n"1,2\n', {}, 'q.csv')).toMatch(/q\.csv: cannot parse as CSV: .*quote/i);
  });
});

describe('parseCsv: the default feature set leaves out text and timestamp columns', () => {
  it('skips ids, names and dates, and lists them with their positions', () => {
    const ds = parseCsv('id,a,name,when,b\nr0,1,ann,2020-01-01 10:00,2\nr1,3,bob,2020-01-02 11:00,4\n', {}, 'lab.csv');
    expect(ds.columns).toEqual(['a', 'b']);
    expect(Array.from(ds.x.data)).toEqual([1, 2, 3, 4]);
    expect(ds.skippedColumns).toEqual([
      { name: 'id', index: 0, reason: 'text' },
      { name: 'name', index: 2, reason: 'text' },
      { name: 'when', index: 3, reason: 'timestamp' },
    ]);
  });

  it('never takes a column named timestamp as a feature, even when it holds numbers', () => {
    const ds = parseCsv('timestamp,value\n1396310400000,20.5\n1396310700000,21\n', {}, 't.csv');
    expect(ds.columns).toEqual(['value']);
    expect(ds.skippedColumns).toEqual([{ name: 'timestamp', index: 0, reason: 'timestamp' }]);
  });

  it('skips a text column of a headerless file, named by position', () => {
    const ds = parseCsv('r0,1,2\nr1,3,4\n', {}, 'n.csv');
    expect(ds.columns).toEqual(['x1', 'x2']);
    expect(ds.skippedColumns?.map((c) => c.name)).toEqual(['x0']);
  });

  it('keeps a column that starts numeric and reports its later bad cell precisely', () => {
    const rows = ['id,a,b'];
    for (let i = 0; i < 30; i++) rows.push(`r${i},${i},${i === 25 ? 'oops' : i * 2}`);
    expect(message(`${rows.join('\n')}\n`, {}, 'late.csv')).toBe('late.csv: row 27, column "b" (index 2): non-numeric value "oops"');
  });

  it('decides by the first 20 data rows: a text start leaves the column out', () => {
    const rows = ['code,a'];
    for (let i = 0; i < 25; i++) rows.push(`${i < 20 ? `c${i}` : i},${i}`);
    const ds = parseCsv(`${rows.join('\n')}\n`, {}, 'codes.csv');
    expect(ds.columns).toEqual(['a']);
    expect(ds.x.rows).toBe(25);
  });

  it('still reports NaN, decimal commas and empty starts instead of skipping', () => {
    expect(message('a,b\n1,NA\n2,nan\n', {}, 'n.csv')).toMatch(/row 2, column "b" \(index 1\): non-numeric value "NA"/);
    expect(message('a;b\n1;2,5\n', {}, 'd.csv')).toMatch(/decimal comma in "2,5"/);
    expect(message('a,b\n1,\n2,\n', {}, 'e.csv')).toMatch(/row 2, column "b" \(index 1\): empty cell/);
  });

  it('has no skipped list when nothing was skipped or columns were chosen', () => {
    expect(parseCsv('a,b\n1,2\n', {}, 'a.csv').skippedColumns).toBeUndefined();
    expect(parseCsv('id,a\nx,2\n', { columns: ['a'] }, 'a.csv').skippedColumns).toBeUndefined();
  });

  it('fails when only text columns remain, naming them', () => {
    expect(message('id,name\nx,ann\ny,bob\n', {}, 'txt.csv')).toBe(
      'txt.csv: no numeric feature columns remain after the label and timestamp columns ("id" is text, "name" is text)',
    );
  });

  it('explicit columns stay strict, with the --columns hint', () => {
    const error = caughtLatentError(() => parseCsv('id,a\nx,2\n', { columns: ['id', 'a'] }, 's.csv'));
    expect(error.message).toBe('s.csv: row 2, column "id" (index 0): non-numeric value "x"');
    expect(error.hint).toContain('--columns');
  });

  it('columns chosen elsewhere (a model) name every missing one and where they came from', () => {
    const from = 'the columns m.safetensors was trained on';
    expect(message('a,x\n1,2\n', { columns: ['a', 'b', 'c'], columnsFrom: from }, 'lab.csv')).toBe(
      'lab.csv lacks 2 of the columns m.safetensors was trained on: "b", "c"; its columns are "a", "x"',
    );
    expect(message('a,y\n1,0\n', { columns: ['a', 'y'], columnsFrom: from, labelColumn: 'y' }, 'lab.csv')).toBe(
      'lab.csv: column "y" is the label column and cannot also be a feature (it is one of the columns m.safetensors was trained on)',
    );
  });

  it('a file without a header is not matched to named columns by guess, and the hint gives the header line', () => {
    const from = 'the columns m.safetensors was trained on';
    const error = caughtLatentError(() => parseCsv('1,2,3\n4,5,6\n', { columns: ['a', 'b', 'c'], columnsFrom: from }, 'raw.csv'));
    expect(error.message).toBe(
      'raw.csv has no header row, so its 3 columns cannot be matched to the columns m.safetensors was trained on (3 named columns)',
    );
    expect(error.hint).toContain('add the header line "a,b,c" as the first row');
    expect(error.hint).toContain('--columns x0,x1,x2');
  });
});
