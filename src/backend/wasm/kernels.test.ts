/**
 * Conformance of every non-GEMM wasm kernel against the reference backend, on 1 and 2 threads,
 * for lengths around the SIMD width and one long enough to be split across threads. Inputs
 * include the special values (±0, ±Infinity, NaN, denormals, exp over/underflow) where the
 * vectorised maths could plausibly differ from Math.*.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { ACTIVATIONS, BINARY_OPS, UNARY_OPS } from '../backend.js';
import { ELEMENTWISE, expectAllClose } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, onBoth, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';
import type { WasmBackend } from './wasm-backend.js';

const builds = await wasmBackends();

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;
  const THREADS = [...backends.keys()];
  /** SIMD edge lengths (4-wide vectors, 16-wide unrolled passes) plus one above the threading threshold. */
  const LENGTHS = [1, 3, 7, 16, 19, 35, 127, 129, 1000, 70_001];
  /** Float32 results within ~2 ulp of the float64 reference, including denormal results. */
  const TIGHT = { rtol: 2.5e-7, atol: 3e-45 };
  const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 88.8, -88.8, 100, -100, 1e-8, -1e-8, 0.5, -0.5];

  function withSpecials(values: Float32Array): Float32Array {
    values.set(SPECIALS.slice(0, values.length));
    return values;
  }

  describe.each(THREADS)('wasm kernels on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;

    it.each(UNARY_OPS)('unary %s', (op) => {
      for (const n of LENGTHS) {
        const x = withSpecials(randomArray(new Rng(n), n, -12, 12));
        const [actual, expected] = onBoth(backend, [x], n, (b, [v], out) => b.unary(op, v!, out));
        expectAllClose(actual, expected, ELEMENTWISE, `${op} n=${n}`);
      }
    });

    it('unary may write over its input', () => {
      const x = randomArray(new Rng(3), 1000, 0.1, 4);
      const v = onBackend(backend, x);
      backend.unary('sqrt', v, v);
      expectAllClose(v, x.map(Math.sqrt), ELEMENTWISE);
      backend.release(v);
    });

    it.each(BINARY_OPS)('binary %s', (op) => {
      for (const n of LENGTHS) {
        const rng = new Rng(n + 1);
        const a = withSpecials(randomArray(rng, n, -5, 5));
        const b = randomArray(rng, n, -5, 5);
        b.set([0, 1, -0, NaN, 2, Infinity].slice(0, n));
        const [actual, expected] = onBoth(backend, [a, b], n, (k, [x, y], out) => k.binary(op, x!, y!, out));
        expectAllClose(actual, expected, ELEMENTWISE, `${op} n=${n}`);
      }
    });

    it('affine, axpy and clamp', () => {
      for (const n of LENGTHS) {
        const rng = new Rng(n + 2);
        const a = withSpecials(randomArray(rng, n, -5, 5));
        const b = randomArray(rng, n, -5, 5);
        let [actual, expected] = onBoth(backend, [a], n, (k, [x], out) => k.affine(x!, -1.5, 0.25, out));
        expectAllClose(actual, expected, ELEMENTWISE, `affine n=${n}`);
        [actual, expected] = onBoth(backend, [a, b], n, (k, [x, y], out) => k.axpy(x!, 0.75, y!, out));
        expectAllClose(actual, expected, ELEMENTWISE, `axpy n=${n}`);
        [actual, expected] = onBoth(backend, [a], n, (k, [x], out) => k.clamp(x!, -1, 2, out));
        expectAllClose(actual, expected, ELEMENTWISE, `clamp n=${n}`);
      }
    });

    it('bceLogits', () => {
      for (const n of LENGTHS) {
        const rng = new Rng(n + 3);
        const z = withSpecials(randomArray(rng, n, -30, 30));
        const t = randomArray(rng, n, 0, 1);
        const [actual, expected] = onBoth(backend, [z, t], n, (k, [x, y], out) => k.bceLogits(x!, y!, out));
        expectAllClose(actual, expected, ELEMENTWISE, `bceLogits n=${n}`);
      }
    });

    it('bceLogits and softplus are within 2 ulp across log(1 + e^-|z|)', () => {
      // |z| in [0.69, 0.88] puts e^-|z| in [0.414, 0.5], where log1p switches its reduction and
      // rounds its argument; |z| past 8.3 and past 20.8 puts it below 2^-12 and 2^-30, where
      // log1p takes u - u²/2 and then floors the square; |z| past 87 makes e^-|z| denormal. With
      // t = 1 and z > 0 the loss is the log term alone (z - z·1 is exact), so nothing cancels and
      // the tight tolerance applies.
      const grid: number[] = [];
      for (let k = -4000; k <= 4000; k++) grid.push(k / 2000);
      for (let k = 0; k < 4992; k++) grid.push(2 + k / 64, -(2 + k / 64));
      for (let k = 0; k <= 400; k++) grid.push(80 + k / 16, -(80 + k / 16));
      const z = Float32Array.from(grid);
      for (const target of [0, 1]) {
        const t = new Float32Array(z.length).fill(target);
        const [actual, expected] = onBoth(backend, [z, t], z.length, (k, [x, y], out) => k.bceLogits(x!, y!, out));
        const lossOnly = target === 0 ? () => true : (i: number) => z[i]! > 0;
        const pick = (a: Float32Array) => a.filter((_, i) => lossOnly(i));
        expectAllClose(pick(actual), pick(expected), TIGHT, `bceLogits t=${target}`);
      }
      const [actual, expected] = onBoth(backend, [z], z.length, (k, [x], out) =>
        k.biasActivation(x!, null, 1, z.length, 'softplus', 0, out),
      );
      expectAllClose(actual, expected, TIGHT, 'softplus');
    });

    it('bceLogits of a denormal loss is within one denormal step', () => {
      const z = Float32Array.from([100, 95, 88.8, 87.5, 103, 104.5]);
      const t = new Float32Array(z.length).fill(1);
      const [actual, expected] = onBoth(backend, [z, t], z.length, (k, [x, y], out) => k.bceLogits(x!, y!, out));
      expectAllClose(actual, expected, { rtol: 0, atol: 2 ** -149 }, 'bceLogits denormal');
      expect(actual[4]).toBeGreaterThan(0);
    });

    it('sum and sumSquares accumulate in float64', () => {
      for (const n of LENGTHS) {
        const x = randomArray(new Rng(n + 4), n, -3, 3);
        const v = onBackend(backend, x);
        const scale = x.reduce((s, e) => s + e * e, 0) + 1;
        expect(Math.abs(backend.sum(v) - oracle.sum(x))).toBeLessThan(1e-12 * scale);
        expect(Math.abs(backend.sumSquares(v) - oracle.sumSquares(x))).toBeLessThan(1e-12 * scale);
        backend.release(v);
      }
    });
  });

  describe('transcendental kernels give the same bits wherever an element falls', () => {
    // Loops run four vectors per pass, then single vectors, then scalar lanes. Starting the arrays
    // 1..15 elements later moves every element to another slot of those loops, and threads split
    // the range again: the bits must not change.
    const n = 70_001;
    const rng = new Rng(11);
    const z = withSpecials(randomArray(rng, n, -20, 20));
    const t = randomArray(rng, n, 0, 1);
    type Run = (b: WasmBackend, z: Float32Array, t: Float32Array, out: Float32Array) => void;
    const runs: [string, Run][] = [
      ['bceLogits', (b, x, y, out) => b.bceLogits(x, y, out)],
      ['exp', (b, x, _, out) => b.unary('exp', x, out)],
      ['log', (b, _, y, out) => b.unary('log', y, out)],
      ['softplus', (b, x, _, out) => b.biasActivation(x, null, 1, x.length, 'softplus', 0, out)],
      ['tanh', (b, x, _, out) => b.biasActivation(x, null, 1, x.length, 'tanh', 0, out)],
    ];
    it.each(runs)('%s', (_, run) => {
      let reference: Uint32Array | undefined;
      for (const threads of THREADS) {
        const backend = backends.get(threads)!;
        const views = [onBackend(backend, z), onBackend(backend, t), backend.alloc(n)] as const;
        for (let offset = 0; offset < 16; offset++) {
          const [x, y, out] = views.map((v) => v.subarray(offset)) as [Float32Array, Float32Array, Float32Array];
          out.fill(0);
          run(backend, x, y, out);
          const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
          reference ??= bits.slice();
          const first = bits.findIndex((b, i) => b !== reference![i + offset]);
          expect(first, `first differing element, ${threads} thread(s), offset ${offset}`).toBe(-1);
        }
        for (const view of views) backend.release(view);
      }
    });
  });

  /**
   * [rows, cols] pairs: SIMD edges in both directions, one big enough for transcendental
   * activations to be threaded, and one for every kernel to be.
   */
  const MATRICES: readonly [number, number][] = [
    [1, 1],
    [3, 7],
    [7, 3],
    [127, 129],
    [129, 127],
    [1000, 1],
    [1, 1000],
    [300, 301],
    [512, 513],
  ];

  const ALPHA: Record<string, number> = { leakyRelu: 0.1, elu: 0.7 };

  describe.each(THREADS)('wasm row kernels on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;

    it.each(ACTIVATIONS)('biasActivation %s, with and without bias', (act) => {
      const alpha = ALPHA[act] ?? 0;
      for (const [rows, cols] of MATRICES) {
        const rng = new Rng(rows * 31 + cols);
        const x = withSpecials(randomArray(rng, rows * cols, -8, 8));
        const bias = randomArray(rng, cols, -1, 1);
        let [actual, expected] = onBoth(backend, [x, bias], rows * cols, (k, [v, b], out) =>
          k.biasActivation(v!, b!, rows, cols, act, alpha, out),
        );
        expectAllClose(actual, expected, ELEMENTWISE, `${act} ${rows}×${cols} with bias`);
        [actual, expected] = onBoth(backend, [x], rows * cols, (k, [v], out) => k.biasActivation(v!, null, rows, cols, act, alpha, out));
        expectAllClose(actual, expected, ELEMENTWISE, `${act} ${rows}×${cols} without bias`);
      }
    });

    it.each(ACTIVATIONS)('biasActivationBackward %s: dx and dbias', (act) => {
      const alpha = ALPHA[act] ?? 0;
      for (const [rows, cols] of MATRICES) {
        const rng = new Rng(rows * 37 + cols);
        const n = rows * cols;
        const pre = randomArray(rng, n, -6, 6);
        const y = new Float32Array(n);
        oracle.biasActivation(pre, null, rows, cols, act, alpha, y);
        const dy = randomArray(rng, n, -1, 1);
        const [dx, dxExpected] = onBoth(backend, [dy, pre, y], n, (k, [g, p, o], out) =>
          k.biasActivationBackward(g!, p!, o!, rows, cols, act, alpha, out, null),
        );
        expectAllClose(dx, dxExpected, ELEMENTWISE, `${act} dx ${rows}×${cols}`);
        // dbias, with dx written over dy (allowed by the contract).
        const [dbias, dbiasExpected] = onBoth(backend, [dy, pre, y], cols, (k, [g, p, o], out) =>
          k.biasActivationBackward(g!, p!, o!, rows, cols, act, alpha, g!, out),
        );
        expectAllClose(dbias, dbiasExpected, { rtol: 1e-5, atol: 1e-5 * Math.sqrt(rows) }, `${act} dbias ${rows}×${cols}`);
      }
    });

    it('columnAffine with every combination of null scale and shift', () => {
      for (const [rows, cols] of MATRICES) {
        const rng = new Rng(rows * 41 + cols);
        const x = randomArray(rng, rows * cols, -4, 4);
        const scale = randomArray(rng, cols);
        const shift = randomArray(rng, cols);
        for (const useScale of [true, false]) {
          for (const useShift of [true, false]) {
            const [actual, expected] = onBoth(backend, [x, scale, shift], rows * cols, (k, [v, s, t], out) =>
              k.columnAffine(v!, useScale ? s! : null, useShift ? t! : null, rows, cols, out),
            );
            expectAllClose(actual, expected, ELEMENTWISE, `columnAffine ${rows}×${cols} ${useScale} ${useShift}`);
          }
        }
      }
    });

    it('channelBias over [batch, channels, plane], out of place and in place', () => {
      const shapes: readonly [number, number, number][] = [
        [1, 1, 1],
        [2, 3, 5],
        [3, 7, 16],
        [4, 5, 19],
        [128, 32, 196],
        [5, 2, 7001],
      ];
      for (const [batch, channels, plane] of shapes) {
        const rng = new Rng(batch * 31 + channels * 7 + plane);
        const size = batch * channels * plane;
        const x = randomArray(rng, size, -4, 4);
        const bias = randomArray(rng, channels, -2, 2);
        const [actual, expected] = onBoth(backend, [x, bias], size, (k, [v, b], out) => k.channelBias(v!, b!, batch, channels, plane, out));
        expectAllClose(actual, expected, TIGHT, `channelBias ${batch}×${channels}×${plane}`);
        const [inPlace] = onBoth(backend, [x, bias], size, (k, [v, b], out) => {
          k.channelBias(v!, b!, batch, channels, plane, v!);
          out.set(v!);
        });
        expectAllClose(inPlace, expected, TIGHT, `channelBias in place ${batch}×${channels}×${plane}`);
      }
    });

    it('sumRows and sumCols', () => {
      for (const [rows, cols] of MATRICES) {
        const x = randomArray(new Rng(rows * 43 + cols), rows * cols, -2, 2);
        let [actual, expected] = onBoth(backend, [x], cols, (k, [v], out) => k.sumRows(v!, rows, cols, out));
        expectAllClose(actual, expected, { rtol: 1e-5, atol: 1e-5 * Math.sqrt(rows) }, `sumRows ${rows}×${cols}`);
        [actual, expected] = onBoth(backend, [x], rows, (k, [v], out) => k.sumCols(v!, rows, cols, out));
        expectAllClose(actual, expected, { rtol: 1e-6, atol: 1e-6 }, `sumCols ${rows}×${cols}`);
      }
    });

    it.each([false, true])('adam, decoupled weight decay: %s', (decoupled) => {
      for (const n of [1, 3, 7, 127, 129, 1000, 70_001]) {
        const rng = new Rng(n + 5);
        const param = randomArray(rng, n);
        const grad = randomArray(rng, n, -0.1, 0.1);
        const m = randomArray(rng, n, -0.01, 0.01);
        const v = randomArray(rng, n, 0, 1e-4);
        for (const step of [1, 10]) {
          const args = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled, step };
          const expected = [param, m, v].map((a) => a.slice());
          oracle.adam(expected[0]!, grad, expected[1]!, expected[2]!, args);
          const w = [param, grad, m, v].map((a) => onBackend(backend, a));
          backend.adam(w[0]!, w[1]!, w[2]!, w[3]!, args);
          expectAllClose(w[0]!, expected[0]!, ELEMENTWISE, `adam param n=${n} step ${step}`);
          expectAllClose(w[2]!, expected[1]!, ELEMENTWISE, `adam m n=${n} step ${step}`);
          expectAllClose(w[3]!, expected[2]!, ELEMENTWISE, `adam v n=${n} step ${step}`);
          for (const view of w) backend.release(view);
        }
      }
    });
  });

  interface Geometry {
    channels: number;
    height: number;
    width: number;
    kernelH: number;
    kernelW: number;
    strideH: number;
    strideW: number;
    padH: number;
    padW: number;
    dilationH: number;
    dilationW: number;
    outH: number;
    outW: number;
  }

  /** A 3×3-or-other geometry with its output size; null when the kernel does not fit. */
  function withOutput(g: Omit<Geometry, 'outH' | 'outW'>): Geometry | null {
    const outH = Math.floor((g.height + 2 * g.padH - g.dilationH * (g.kernelH - 1) - 1) / g.strideH) + 1;
    const outW = Math.floor((g.width + 2 * g.padW - g.dilationW * (g.kernelW - 1) - 1) / g.strideW) + 1;
    return outH >= 1 && outW >= 1 ? { ...g, outH, outW } : null;
  }

  /** `count` random geometries with images of 1 to `maxSide` pixels a side. */
  function randomGeometries(count: number, seed: number, maxSide: number): Geometry[] {
    const rng = new Rng(seed);
    const out: Geometry[] = [];
    while (out.length < count) {
      const g = withOutput({
        channels: 1 + rng.int(4),
        height: 1 + rng.int(maxSide),
        width: 1 + rng.int(maxSide),
        kernelH: 1 + rng.int(4),
        kernelW: 1 + rng.int(4),
        strideH: 1 + rng.int(3),
        strideW: 1 + rng.int(3),
        padH: rng.int(3),
        padW: rng.int(3),
        dilationH: 1 + rng.int(2),
        dilationW: 1 + rng.int(2),
      });
      if (g) out.push(g);
    }
    return out;
  }

  /** Square 3×3 layer over `side`-pixel images. */
  function square(channels: number, side: number, stride: number, pad: number): Geometry {
    const g = withOutput({
      channels,
      height: side,
      width: side,
      kernelH: 3,
      kernelW: 3,
      strideH: stride,
      strideW: stride,
      padH: pad,
      padW: pad,
      dilationH: 1,
      dilationW: 1,
    });
    if (!g) throw new Error('test geometry does not fit');
    return g;
  }

  /**
   * Short output rows take the tap-table kernels, wide ones (and tables past the size cap) the row
   * kernels: the W2 layers (both directions of its stride-2 layers are im2col geometries), odd and
   * edge sizes, stride 1 and 2, padding 0 and 1, both sides of the width threshold, and a tall
   * narrow image whose table would be too big.
   */
  const GEOMETRIES: Geometry[] = [
    square(32, 14, 2, 1),
    square(1, 28, 2, 1),
    square(16, 28, 1, 1),
    square(3, 7, 1, 0),
    square(2, 31, 2, 1),
    square(2, 33, 2, 0),
    square(1, 15, 1, 1),
    square(1, 16, 1, 1),
    square(1, 17, 1, 0),
    { ...square(1, 9, 1, 1), height: 600, outH: 600 },
    ...randomGeometries(40, 77, 9),
    ...randomGeometries(12, 78, 40),
  ];

  /** Images with the special values (NaN, ±0, ±Infinity, denormals) spread through them. */
  function specialImage(rng: Rng, length: number): Float32Array {
    const image = randomArray(rng, length);
    for (let i = 0; i < length; i += 7) image[i] = SPECIALS[(i / 7) % SPECIALS.length]!;
    return image;
  }

  describe.each(THREADS)('wasm im2col/col2im on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;

    it('im2col matches the reference on random geometries and batch sizes, bit for bit', () => {
      GEOMETRIES.forEach((g, i) => {
        const batch = [1, 2, 3, 7][i % 4]!;
        const image = specialImage(new Rng(g.height * 13 + g.width), batch * g.channels * g.height * g.width);
        const size = g.channels * g.kernelH * g.kernelW * batch * g.outH * g.outW;
        const [actual, expected] = onBoth(backend, [image], size, (k, [img], cols) => k.im2col(img!, g, cols, batch));
        expect(actual, JSON.stringify({ ...g, batch })).toEqual(expected);
      });
    });

    it('col2im matches the reference on random geometries and batch sizes, overwriting the images', () => {
      GEOMETRIES.forEach((g, i) => {
        const batch = [1, 2, 3, 7][i % 4]!;
        const size = g.channels * g.kernelH * g.kernelW * batch * g.outH * g.outW;
        const cols = randomArray(new Rng(size), size);
        // Zeros of both signs among the columns, as ReLU gradients produce.
        for (let j = 0; j < size; j += 5) cols[j] = j % 10 === 0 ? -0 : 0;
        const imageSize = batch * g.channels * g.height * g.width;
        const expected = new Float32Array(imageSize).fill(9);
        oracle.col2im(cols, g, expected, batch);
        const wcols = onBackend(backend, cols);
        const image = onBackend(backend, new Float32Array(imageSize).fill(9));
        backend.col2im(wcols, g, image, batch);
        // Same summation order as the reference, so float32 results agree exactly.
        expect(image.slice(), JSON.stringify({ ...g, batch })).toEqual(expected);
        backend.release(wcols);
        backend.release(image);
      });
    });

    it('im2col and col2im leave no buffer behind', () => {
      const before = backend.liveBuffers();
      const g = square(2, 14, 2, 1);
      const image = backend.alloc(2 * 14 * 14);
      const cols = backend.alloc(2 * 9 * 7 * 7);
      backend.im2col(image, g, cols, 1);
      backend.col2im(cols, g, image, 1);
      backend.release(image);
      backend.release(cols);
      expect(backend.liveBuffers()).toBe(before);
    });
  });
});
