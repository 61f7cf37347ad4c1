/**
 * Conformance of the shallow-column convolution products (columnsToChannels, channelsToColumns,
 * channelColumnsGrad; asm/conv-thin.ts) against the reference backend, on both kernel builds and
 * 1 and 2 threads: random sizes around the kernels' blocks (rows and taps past a multiple of 4 or
 * 2, planes past a multiple of 8 and 4, batches split across threads), with and without bias and
 * accumulation, in the layout that im2col produces. Each build gives the same bits on 1 and 2
 * threads.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { gemmTolerance, expectAllClose } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, onBoth, randomArray, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

interface Shape {
  readonly batch: number;
  /** Rows of w (output channels of columnsToChannels, input channels of channelsToColumns). */
  readonly rows: number;
  readonly depth: number;
  readonly plane: number;
}

/** The W2 layers (9 taps over 1 channel, 32 channels, 14×14 planes), then random edge sizes. */
function shapes(): Shape[] {
  const rng = new Rng(2024);
  const pick = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));
  const out: Shape[] = [
    { batch: 9, rows: 32, depth: 9, plane: 196 },
    { batch: 3, rows: 32, depth: 9, plane: 49 },
    { batch: 1, rows: 1, depth: 1, plane: 1 },
    { batch: 2, rows: 5, depth: 3, plane: 13 },
  ];
  for (let i = 0; i < 30; i++) out.push({ batch: pick(1, 7), rows: pick(1, 13), depth: pick(1, 16), plane: pick(1, 70) });
  return out;
}

describe.each(HOST_VARIANTS)('%s shallow convolution products', (variant) => {
  const backends = builds.get(variant)!;
  const THREADS = [...backends.keys()];

  describe.each(THREADS)('on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;

    it('columnsToChannels matches the reference, with and without bias, overwriting the output', () => {
      shapes().forEach((s, i) => {
        const rng = new Rng(100 + i);
        const w = randomArray(rng, s.rows * s.depth);
        const cols = randomArray(rng, s.depth * s.batch * s.plane);
        const bias = i % 2 === 0 ? randomArray(rng, s.rows) : null;
        const initial = new Float32Array(s.batch * s.rows * s.plane).fill(7);
        const [actual, expected] = onBoth(backend, bias ? [w, cols, bias] : [w, cols], initial, (b, [wv, cv, bv], out) =>
          b.columnsToChannels(wv!, cv!, bv ?? null, s.batch, s.rows, s.depth, s.plane, out),
        );
        expectAllClose(actual, expected, gemmTolerance(s.depth + 1), JSON.stringify(s));
      });
    });

    it('channelsToColumns matches the reference, overwriting the columns', () => {
      shapes().forEach((s, i) => {
        const rng = new Rng(200 + i);
        const w = randomArray(rng, s.rows * s.depth);
        const x = randomArray(rng, s.batch * s.rows * s.plane);
        const initial = new Float32Array(s.depth * s.batch * s.plane).fill(-3);
        const [actual, expected] = onBoth(backend, [w, x], initial, (b, [wv, xv], cols) =>
          b.channelsToColumns(wv!, xv!, s.batch, s.rows, s.depth, s.plane, cols),
        );
        expectAllClose(actual, expected, gemmTolerance(s.rows), JSON.stringify(s));
      });
    });

    it('channelColumnsGrad matches the reference, overwriting or adding to the gradient', () => {
      shapes().forEach((s, i) => {
        const rng = new Rng(300 + i);
        const g = randomArray(rng, s.batch * s.rows * s.plane);
        const cols = randomArray(rng, s.depth * s.batch * s.plane);
        const accumulate = i % 2 === 1;
        const initial = randomArray(rng, s.rows * s.depth);
        const [actual, expected] = onBoth(backend, [g, cols], initial, (b, [gv, cv], dw) =>
          b.channelColumnsGrad(gv!, cv!, s.batch, s.rows, s.depth, s.plane, dw, accumulate),
        );
        expectAllClose(actual, expected, gemmTolerance(s.batch * s.plane + 1), JSON.stringify({ ...s, accumulate }));
      });
    });

    it('reject arrays shorter than the sizes say, naming the operand', () => {
      const w = backend.alloc(8);
      const long = backend.alloc(8);
      const short = backend.alloc(3);
      expect(() => backend.columnsToChannels(w, short, null, 1, 2, 4, 2, long)).toThrow(/columnsToChannels cols/);
      expect(() => backend.channelsToColumns(w, short, 1, 2, 4, 2, long)).toThrow(/channelsToColumns x/);
      expect(() => backend.channelColumnsGrad(long, long, 1, 2, 4, 2, short, false)).toThrow(/channelColumnsGrad dw/);
      for (const view of [w, long, short]) backend.release(view);
    });
  });

  it('give the same bits on 1 and 2 threads', () => {
    const [one, two] = THREADS.map((t) => backends.get(t)!);
    // Big enough to be split across threads: W2's first layer on 64 samples.
    const s: Shape = { batch: 64, rows: 32, depth: 9, plane: 196 };
    const rng = new Rng(5);
    const w = randomArray(rng, s.rows * s.depth);
    const cols = randomArray(rng, s.depth * s.batch * s.plane);
    const x = randomArray(rng, s.batch * s.rows * s.plane);
    const bias = randomArray(rng, s.rows);
    const runs = [one!, two!].map((b) => {
      const [wv, cv, xv, bv] = [w, cols, x, bias].map((a) => onBackend(b, a));
      const out = b.alloc(x.length);
      const colsOut = b.alloc(cols.length);
      const dw = b.alloc(w.length);
      b.columnsToChannels(wv!, cv!, bv!, s.batch, s.rows, s.depth, s.plane, out);
      b.channelsToColumns(wv!, xv!, s.batch, s.rows, s.depth, s.plane, colsOut);
      b.channelColumnsGrad(xv!, cv!, s.batch, s.rows, s.depth, s.plane, dw, false);
      return [out.slice(), colsOut.slice(), dw.slice()];
    });
    const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < 3; i++) expect(bytes(runs[1]![i]!).equals(bytes(runs[0]![i]!)), `output ${i}`).toBe(true);
  });
});
