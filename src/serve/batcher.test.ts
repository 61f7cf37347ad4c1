/**
 * MicroBatcher: concurrent requests share one call and get exactly their own rows back; the
 * answers equal unbatched calls; big requests and a zero window skip batching; a failing batch
 * fails only the request that caused it.
 */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { matrix, type Matrix } from '../data/matrix.js';
import { MicroBatcher, type RowOp } from './batcher.js';

/** Row sums and row index-weighted sums: two values per row, each row on its own. */
const rowStats: RowOp = (x) => {
  const data = new Float64Array(x.rows * 2);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      data[2 * r] += x.data[r * x.cols + c]!;
      data[2 * r + 1] += (c + 1) * x.data[r * x.cols + c]!;
    }
  }
  return { data, cols: 2 };
};

function rows(n: number, start: number): Matrix {
  return matrix(
    Float32Array.from({ length: n * 3 }, (_, i) => start + i),
    n,
    3,
  );
}

describe('MicroBatcher', () => {
  it('runs concurrent requests as one call and splits the result back, equal to separate calls', async () => {
    const calls: Array<[number, number]> = [];
    const batcher = new MicroBatcher(rowStats, { windowMs: 5, onCall: (requests, n) => calls.push([requests, n]) });
    const inputs = [rows(1, 0), rows(4, 100), rows(2, 200), rows(3, 300)];
    const results = await Promise.all(inputs.map((x) => batcher.run(x)));
    expect(calls).toEqual([[4, 10]]);
    results.forEach((result, i) => {
      expect(result.cols).toBe(2);
      expect(Array.from(result.data)).toEqual(Array.from(rowStats(inputs[i]!).data));
    });
  });

  it('calls at once for a window of 0 and for requests above the size limit', async () => {
    const calls: number[] = [];
    const direct = new MicroBatcher(rowStats, { windowMs: 0, onCall: (requests) => calls.push(requests) });
    await Promise.all([direct.run(rows(1, 0)), direct.run(rows(1, 1))]);
    expect(calls).toEqual([1, 1]);
    const big = new MicroBatcher(rowStats, { windowMs: 1000, maxRequestRows: 2, onCall: (requests) => calls.push(requests) });
    const result = await big.run(rows(3, 0));
    expect(result.data.length).toBe(6);
    expect(big.waiting).toBe(0);
  });

  it('runs a batch as soon as it holds enough rows', async () => {
    const calls: number[] = [];
    const batcher = new MicroBatcher(rowStats, { windowMs: 60_000, maxBatchRows: 4, onCall: (_r, n) => calls.push(n) });
    // A one-minute window: only the row limit can have run these.
    await Promise.all([batcher.run(rows(2, 0)), batcher.run(rows(2, 10))]);
    expect(calls).toEqual([4]);
  });

  it('runs the waiting batch at once when drained, and later requests alone', async () => {
    const calls: number[] = [];
    // An hour-long window: only drain() can have run these.
    const batcher = new MicroBatcher(rowStats, { windowMs: 3_600_000, onCall: (requests) => calls.push(requests) });
    const waiting = [batcher.run(rows(1, 0)), batcher.run(rows(2, 5))];
    expect(batcher.waiting).toBe(2);
    batcher.drain();
    await Promise.all(waiting);
    await batcher.run(rows(1, 9));
    expect(calls).toEqual([2, 1]);
  });

  it('fails only the request whose rows make the call fail', async () => {
    const picky: RowOp = (x) => {
      if (x.data.includes(-1)) throw new Error('negative row');
      return rowStats(x);
    };
    const batcher = new MicroBatcher(picky, { windowMs: 5 });
    const good = batcher.run(rows(2, 0));
    const bad = batcher.run(matrix(Float32Array.of(-1, 0, 0), 1, 3));
    await expect(bad).rejects.toThrow('negative row');
    expect(Array.from((await good).data)).toEqual(Array.from(rowStats(rows(2, 0)).data));
  });

  describe('with othersInFlight', () => {
    // Timers are faked (the window never ends unless advanced); setImmediate stays real.
    afterEach(() => vi.useRealTimers());

    it('a lone request does not wait for the window, and requests of the same turn still share a call', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const calls: number[] = [];
      const idle = new MicroBatcher(rowStats, {
        windowMs: 60_000,
        othersInFlight: () => false,
        onCall: (requests) => calls.push(requests),
      });
      await idle.run(rows(1, 0));
      await Promise.all([idle.run(rows(1, 1)), idle.run(rows(2, 2))]);
      expect(calls).toEqual([1, 2]);
    });

    it('waits for the window while other requests are being handled', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const calls: number[] = [];
      const busy = new MicroBatcher(rowStats, { windowMs: 5, othersInFlight: () => true, onCall: (requests) => calls.push(requests) });
      const first = busy.run(rows(1, 0));
      await new Promise((resolve) => setImmediate(resolve));
      expect(calls).toEqual([]);
      const second = busy.run(rows(1, 1));
      vi.advanceTimersByTime(5);
      await Promise.all([first, second]);
      expect(calls).toEqual([2]);
    });
  });
});
