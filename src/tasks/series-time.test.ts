import { describe, expect, it } from 'vitest';
import { parseCsv } from '../data/csv.js';
import { timestampIssues } from './series-time.js';
import { SeriesScorer, timestampNote } from './timeseries.js';

const minute = 60_000;

describe('timestampIssues', () => {
  it('says nothing for increasing timestamps', () => {
    expect(timestampIssues([0, minute, 2 * minute], 'a.csv')).toBeUndefined();
  });

  it('counts repeated and backwards timestamps and names the first of each', () => {
    // A daylight-saving hour logged twice: 01:00 and 01:30 repeat once each, then time goes back once.
    const t = (h: number, m: number): number => Date.UTC(2015, 10, 1, h, m);
    const times = [t(0, 30), t(1, 0), t(1, 0), t(1, 30), t(1, 30), t(1, 0), t(2, 0)];
    expect(timestampIssues(times, 'dst.csv')).toBe(
      'dst.csv: 2 repeated timestamps (first at data row 2, 2015-11-01 01:00:00) and 1 timestamp earlier than the row before ' +
        '(first at data row 5, 2015-11-01 01:00:00); rows kept in file order, one time step per row',
    );
  });
});

describe('a series with repeated timestamps', () => {
  it('trains and scores in file order, with a note', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => {
      // Row 60 repeats row 59's time, as a daylight-saving change does.
      const minutes = i <= 59 ? i : i - 1;
      const time = new Date(Date.UTC(2020, 0, 1) + minutes * 5 * minute).toISOString().replace('T', ' ').slice(0, 19);
      return `${time},${Math.sin((2 * Math.PI * i) / 12).toFixed(4)}`;
    });
    const series = parseCsv(`timestamp,value\n${rows.join('\n')}\n`, { timestampColumn: 'timestamp' }, 'dst.csv');
    expect(timestampNote(series)).toMatch(/^dst.csv: 1 repeated timestamp \(first at data row 60, 2020-01-01 04:55:00\)/);
    const scorer = await new SeriesScorer({ window: 12, epochs: 2 }).fit(series);
    const scores = scorer.score(series);
    expect(scores.pointScores.length).toBe(120);
    expect(scores.timestamps).toEqual(series.timestamps);
  });

  it('reports a missing value with its file, row and column, and how to fix it', () => {
    const text = 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,\n2020-01-01 00:10:00,NaN\n';
    expect(() => parseCsv(text, { timestampColumn: 'timestamp' }, 'gaps.csv')).toThrow(
      /gaps.csv: row 3, column "value" \(index 1\): empty cell/,
    );
    const nan = 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:10:00,NaN\n';
    expect(() => parseCsv(nan, { timestampColumn: 'timestamp' }, 'gaps.csv')).toThrow(/gaps.csv: row 3, column "value" \(index 1\): NaN/);
  });
});

describe('the NAB files', () => {
  it('are all accepted as they are, with a note for the three whose timestamps repeat or go back', async () => {
    const { readdirSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { loadSeries } = await import('../data/node-series.js');
    const nab = resolve(process.cwd(), '../shared/data/nab');
    const notes: string[] = [];
    for (const group of readdirSync(nab, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(nab, group.name)).filter((f) => f.endsWith('.csv'))) {
        const series = loadSeries(join(nab, group.name, file));
        expect(series.x.rows).toBeGreaterThan(1000);
        const note = timestampNote(series);
        if (note !== undefined) notes.push(`${group.name}/${file}: ${note.split(': ')[1]!.split(' (')[0]!}`);
      }
    }
    expect(notes.sort()).toEqual([
      'realAdExchange/exchange-2_cpc_results.csv: 1 repeated timestamp',
      'realAdExchange/exchange-2_cpm_results.csv: 1 repeated timestamp',
      'realKnownCause/machine_temperature_system_failure.csv: 1 timestamp earlier than the row before',
    ]);
  });
});
