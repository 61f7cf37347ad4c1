/**
 * The NAB corpus as the series benchmark reads it: each labelled series of ../shared/data/nab with
 * its anomaly windows as row ranges, the per-point labels (1 inside a window), and the training
 * part (the first 15%, which is also NAB's probation period).
 *
 * Window times in windows.json are UTC without a zone, like the CSV timestamps; a window's rows are
 * those whose timestamps fall inside it (NAB matches them exactly; the same rows here).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/dataset.js';
import { loadSeries } from '../../src/data/node-series.js';

/** Share of a series used for training, and NAB's probation period. */
export const TRAIN_SHARE = 0.15;

export const LABELLED_GROUPS = ['artificialWithAnomaly', 'realKnownCause', 'realTweets', 'realAdExchange'] as const;
export const CLEAN_GROUP = 'artificialNoAnomaly';

export interface NabSeries {
  /** `group/file.csv`, the key of windows.json. */
  readonly name: string;
  readonly data: Dataset;
  /** Labelled windows as [first, last] row indices. */
  readonly windows: [number, number][];
  /** 1 inside a labelled window. */
  readonly labels: Uint8Array;
  /** Rows used for training (the first 15%). */
  readonly trainRows: number;
}

/** The series of `groups`, in file-name order. */
export function loadCorpus(dir: string, groups: readonly string[]): NabSeries[] {
  const all = JSON.parse(readFileSync(join(dir, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
  return Object.keys(all)
    .filter((name) => groups.includes(name.split('/')[0]!))
    .sort()
    .map((name) => {
      const data = loadSeries(join(dir, name));
      const times = data.timestamps!;
      const windows = all[name]!.map(([a, b]): [number, number] => {
        const start = utc(a);
        const end = utc(b);
        const first = times.findIndex((t) => t >= start);
        let last = -1;
        for (let i = times.length - 1; i >= 0; i--) {
          if (times[i]! <= end) {
            last = i;
            break;
          }
        }
        return [first, last];
      });
      const labels = new Uint8Array(data.x.rows);
      for (const [l, r] of windows) labels.fill(1, l, r + 1);
      return { name, data, windows, labels, trainRows: Math.floor(TRAIN_SHARE * data.x.rows) };
    });
}

function utc(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}
