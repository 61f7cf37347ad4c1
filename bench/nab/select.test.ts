import { describe, expect, it } from 'vitest';
import type { Metrics } from './evaluate.js';
import { bestCandidate, leaveOneOut, meetsTargets, objective, type ResultTable } from './select.js';

/** Metrics with the fields the selection reads. */
function metrics(precision: number | undefined, windowRecall: number, flagged: number, nab: number): Metrics {
  return {
    ...(precision === undefined ? {} : { precision }),
    windowRecall,
    flagged,
    perThousand: 1000 * flagged,
    nab,
    nabRaw: 0,
  };
}

/** `loud` flags a lot (best NAB, poor precision); `quiet` meets the targets with a lower NAB. */
function table(): ResultTable {
  return new Map([
    [
      'a',
      new Map([
        ['loud', metrics(0.2, 1, 0.01, 80)],
        ['quiet', metrics(0.8, 0.7, 0.001, 60)],
      ]),
    ],
    [
      'b',
      new Map([
        ['loud', metrics(0.3, 1, 0.01, 70)],
        ['quiet', metrics(0.6, 0.8, 0.001, 50)],
      ]),
    ],
    [
      'c',
      new Map([
        ['loud', metrics(0.1, 1, 0.02, 90)],
        ['quiet', metrics(undefined, 0, 0, 0)],
      ]),
    ],
  ]);
}

describe('series defaults selection', () => {
  it('floors each series at −100 in the NAB objective', () => {
    const t: ResultTable = new Map([
      ['a', new Map([['x', metrics(0, 0, 0.5, -900)]])],
      ['b', new Map([['x', metrics(1, 1, 0, 100)]])],
    ]);
    expect(objective(t, ['a', 'b'], 'x')).toBe(0);
  });

  it('checks the targets on the means, precision over the series that flag', () => {
    const t = table();
    expect(meetsTargets(t, ['a', 'b'], 'quiet')).toBe(true);
    expect(meetsTargets(t, ['a', 'b'], 'loud')).toBe(false);
    // c flags nothing under quiet: precision stays 0.8 from a, recall falls to 0.35.
    expect(meetsTargets(t, ['a', 'c'], 'quiet')).toBe(false);
    // An unmeasured candidate does not meet them.
    expect(meetsTargets(t, ['a'], 'missing')).toBe(false);
  });

  it('prefers a candidate that meets the targets over a higher NAB score', () => {
    expect(bestCandidate(table(), ['a', 'b'], ['loud', 'quiet'])).toBe('quiet');
  });

  it('falls back to the NAB score when no candidate meets the targets', () => {
    expect(bestCandidate(table(), ['a', 'c'], ['loud', 'quiet'])).toBe('loud');
  });

  it('chooses each series without its own labels', () => {
    const picks = leaveOneOut(table(), ['a', 'b', 'c'], ['loud', 'quiet']);
    expect(picks.get('c')).toBe('quiet');
    expect(picks.get('a')).toBe('loud');
    expect(picks.get('b')).toBe('loud');
  });
});
