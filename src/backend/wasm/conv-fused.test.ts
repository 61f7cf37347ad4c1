/**
 * channelsToImage (asm/conv-fused.ts): a transposed convolution's column product folded into its
 * images one sample at a time. Checked against the reference's two steps (channelsToColumns, then
 * col2im) within GEMM tolerance, over random geometries (kernel sizes, strides, paddings, output
 * paddings, dilations, channel counts, the phase-plane, tap-table and row-loop col2im paths),
 * on both kernel builds and on the dense and the sparse product path; against the backend's own
 * batched path (swap, GEMM, col2im) bit for bit wherever the product is packed or sparse, for any
 * number of samples per block; and on 1 and 2 threads bit for bit.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { convOutSize, convTransposeOutSize } from '../../autograd/conv.js';
import type { Conv2dGeometry } from '../backend.js';
import { allCloseReport, gemmTolerance } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';
import type { SparseGemmLimits, WasmBackend } from './wasm-backend.js';

const builds = await wasmBackends();

/** A transposed convolution's case: its input x [batch, channels, plane] and the image-side geometry. */
interface Case {
  readonly g: Conv2dGeometry;
  readonly channels: number;
  readonly batch: number;
}

/** The geometry of convTranspose2d over an inH × inW input (outputPadding < stride or dilation). */
function transposed(
  imageChannels: number,
  inH: number,
  inW: number,
  [kernelH, kernelW]: [number, number],
  [strideH, strideW]: [number, number],
  [padH, padW]: [number, number],
  [dilationH, dilationW]: [number, number],
  [opH, opW]: [number, number],
): Conv2dGeometry {
  const height = convTransposeOutSize(inH, kernelH, strideH, padH, dilationH, opH);
  const width = convTransposeOutSize(inW, kernelW, strideW, padW, dilationW, opW);
  const g = { channels: imageChannels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH: inH, outW: inW };
  if (convOutSize(height, kernelH, strideH, padH, dilationH) !== inH || convOutSize(width, kernelW, strideW, padW, dilationW) !== inW) {
    throw new Error(`test geometry ${JSON.stringify(g)} is not a transposed convolution's`);
  }
  return g;
}

/** Random transposed convolutions whose image is at least one pixel; some deep enough for the sparse path. */
function randomCases(rng: Rng, count: number): Case[] {
  const pick = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));
  const cases: Case[] = [];
  while (cases.length < count) {
    const k: [number, number] = [pick(1, 5), pick(1, 5)];
    const s: [number, number] = [pick(1, 3), pick(1, 3)];
    const d: [number, number] = [pick(1, 2), pick(1, 2)];
    const p: [number, number] = [pick(0, k[0] - 1), pick(0, k[1] - 1)];
    const op: [number, number] = [pick(0, Math.max(s[0], d[0]) - 1), pick(0, Math.max(s[1], d[1]) - 1)];
    const imageChannels = pick(1, 12);
    const inH = pick(1, 9), inW = pick(1, 9);
    const height = convTransposeOutSize(inH, k[0], s[0], p[0], d[0], op[0]);
    const width = convTransposeOutSize(inW, k[1], s[1], p[1], d[1], op[1]);
    if (height < 1 || width < 1) continue;
    if (convOutSize(height, k[0], s[0], p[0], d[0]) !== inH || convOutSize(width, k[1], s[1], p[1], d[1]) !== inW) continue;
    cases.push({ g: transposed(imageChannels, inH, inW, k, s, p, d, op), channels: pick(1, 40), batch: pick(1, 5) });
  }
  return cases;
}

const CASES: Case[] = [
  // W2's 64 → 32 transposed convolution (and conv 2's input gradient): phase planes, depth 288.
  { g: transposed(32, 7, 7, [3, 3], [2, 2], [1, 1], [1, 1], [1, 1]), channels: 64, batch: 5 },
  // Stride 1, depth 8·9 = 72 (tap-table col2im), and a wide plane (row loops).
  { g: transposed(8, 6, 5, [3, 3], [1, 1], [1, 1], [1, 1], [0, 0]), channels: 7, batch: 3 },
  { g: transposed(3, 3, 18, [3, 5], [2, 1], [0, 2], [1, 1], [1, 0]), channels: 5, batch: 2 },
  ...randomCases(new Rng(91), 14),
];

/** x with about `zeros` of its values zero, as after a ReLU. */
function activations(rng: Rng, size: number, zeros: number): Float32Array {
  const x = randomArray(rng, size);
  for (let i = 0; i < size; i++) if (rng.uniform() < zeros) x[i] = 0;
  return x;
}

/**
 * Whether the dense product skips packing (asm/gemm-direct.ts useDirect: depth ≤ 16, or ≤ 16 rows
 * and depth ≤ 64). Its ragged column tail rounds apart from its vector lanes in the fused build,
 * and a sample's columns end at another place than the batch's, so there the two paths agree
 * within tolerance only.
 */
function directProduct(c: Case): boolean {
  const rows = depthOf(c.g);
  return c.channels <= 16 || (rows <= 16 && c.channels <= 64);
}

function depthOf(g: Conv2dGeometry): number {
  return g.channels * g.kernelH * g.kernelW;
}

/** channelsToImage on `backend` with the given sparse limits, images starting as garbage. */
function fused(backend: WasmBackend, c: Case, w: Float32Array, x: Float32Array, limits: SparseGemmLimits, block?: number): Float32Array {
  const { g, channels, batch } = c;
  const wv = onBackend(backend, w);
  const xv = onBackend(backend, x);
  const images = onBackend(backend, new Float32Array(batch * g.channels * g.height * g.width).fill(7));
  backend.sparseLimits = limits;
  backend.fusedBlockSamples = block;
  try {
    backend.channelsToImage(wv, xv, batch, channels, g, images);
  } finally {
    backend.sparseLimits = undefined;
    backend.fusedBlockSamples = undefined;
  }
  const out = images.slice();
  for (const view of [wv, xv, images]) backend.release(view);
  return out;
}

/** The backend's batched path: swap x to [channels, batch·plane], one GEMM, col2im. */
function batched(backend: WasmBackend, c: Case, w: Float32Array, x: Float32Array, limits: SparseGemmLimits): Float32Array {
  const { g, channels, batch } = c;
  const depth = depthOf(g);
  const plane = g.outH * g.outW;
  const wv = onBackend(backend, w);
  const xv = onBackend(backend, x);
  const xt = backend.alloc(channels * batch * plane);
  const cols = backend.alloc(depth * batch * plane);
  const images = backend.alloc(batch * g.channels * g.height * g.width);
  backend.sparseLimits = limits;
  try {
    backend.swapAxes(xv, batch, channels, plane, xt);
    backend.gemm({ a: wv, b: xt, c: cols, m: depth, n: batch * plane, k: channels, transA: true, transB: false, alpha: 1, beta: 0 });
    backend.col2im(cols, g, images, batch);
  } finally {
    backend.sparseLimits = undefined;
  }
  const out = images.slice();
  for (const view of [wv, xv, xt, cols, images]) backend.release(view);
  return out;
}

/** The reference's two steps. */
function reference(c: Case, w: Float32Array, x: Float32Array): Float32Array {
  const { g, channels, batch } = c;
  const depth = depthOf(g);
  const plane = g.outH * g.outW;
  const cols = new Float32Array(depth * batch * plane);
  oracle.channelsToColumns(w, x, batch, channels, depth, plane, cols);
  const images = new Float32Array(batch * g.channels * g.height * g.width);
  oracle.col2im(cols, g, images, batch);
  return images;
}

const PATHS: ReadonlyArray<[string, SparseGemmLimits]> = [
  ['dense', { a: 0, b: 0 }],
  ['sparse', { a: 0, b: 1 }],
];

describe.each(HOST_VARIANTS)('%s channelsToImage', (variant) => {
  const backends = builds.get(variant)!;

  it.each(PATHS)('matches the reference on the %s path, on 1 and 2 threads alike', (_, limits) => {
    CASES.forEach((c, i) => {
      const rng = new Rng(300 + i);
      const w = randomArray(rng, c.channels * depthOf(c.g));
      const x = activations(rng, c.batch * c.channels * c.g.outH * c.g.outW, 0.6);
      const expected = reference(c, w, x);
      // The backend's block sizing, and blocks of 1, 2 and 3 samples (ragged last blocks).
      const block = [undefined, 1, 2, 3][i % 4];
      const one = fused(backends.get(1)!, c, w, x, limits, block);
      const report = allCloseReport(one, expected, gemmTolerance(c.channels * c.g.kernelH * c.g.kernelW));
      expect(report, `case ${i} ${JSON.stringify(c)}, blocks of ${block}`).toBeNull();
      expect(fused(backends.get(2)!, c, w, x, limits, block), `case ${i} on 2 threads`).toEqual(one);
    });
  });

  it.each(PATHS)('equals the batched swap, GEMM and col2im on the %s path (bit for bit past the direct path)', (_, limits) => {
    const backend = backends.get(2)!;
    let exact = 0;
    CASES.forEach((c, i) => {
      const rng = new Rng(500 + i);
      const w = randomArray(rng, c.channels * depthOf(c.g));
      const x = activations(rng, c.batch * c.channels * c.g.outH * c.g.outW, 0.5);
      const expected = batched(backend, c, w, x, limits);
      for (const block of [undefined, 1, 2]) {
        const actual = fused(backend, c, w, x, limits, block);
        if (directProduct(c)) {
          expect(allCloseReport(actual, expected, gemmTolerance(c.channels)), `case ${i} ${JSON.stringify(c)}`).toBeNull();
        } else {
          expect(actual, `case ${i} ${JSON.stringify(c)}, blocks of ${block}`).toEqual(expected);
          exact++;
        }
      }
    });
    expect(exact).toBeGreaterThanOrEqual(3);
  });

  it('matches the reference under the default density model, for dense and mostly-zero inputs', () => {
    const c = CASES[0]!;
    const backend = backends.get(1)!;
    const rng = new Rng(7);
    const w = randomArray(rng, c.channels * depthOf(c.g));
    for (const zeros of [0, 0.7]) {
      const x = activations(rng, c.batch * c.channels * c.g.outH * c.g.outW, zeros);
      const wv = onBackend(backend, w);
      const xv = onBackend(backend, x);
      const images = backend.alloc(c.batch * c.g.channels * c.g.height * c.g.width);
      backend.channelsToImage(wv, xv, c.batch, c.channels, c.g, images);
      expect(allCloseReport(images, reference(c, w, x), gemmTolerance(c.channels))).toBeNull();
      for (const view of [wv, xv, images]) backend.release(view);
    }
  });

  it('names the short operand', () => {
    const backend = backends.get(1)!;
    const c = CASES[1]!;
    const w = backend.alloc(c.channels * depthOf(c.g));
    const x = backend.alloc(c.batch * c.channels * c.g.outH * c.g.outW - 1);
    const images = backend.alloc(c.batch * c.g.channels * c.g.height * c.g.width);
    expect(() => backend.channelsToImage(w, x, c.batch, c.channels, c.g, images)).toThrow(/channelsToImage x holds/);
    for (const view of [w, x, images]) backend.release(view);
  });
});
