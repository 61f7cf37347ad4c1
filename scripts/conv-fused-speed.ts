/**
 * CPU time per call of W2's transposed column product (64 → 32 channels, 7×7 → 14×14, batch 128:
 * ConvTranspose2d's forward pass and conv 2's input gradient), two ways on one wasm backend,
 * alternating call by call so both see the same machine:
 *   fused   — channelsToImage: one sample's columns at a time, folded into its image;
 *   batched — swapAxes to [64, 6272], GEMM 288×64ᵀ·64×6272 into the 7.2 MB column matrix, col2im.
 * The input has W2's measured share of ReLU zeros (62%) unless --density says otherwise; each way
 * takes the product path (dense or sparse) its density rule picks, or the one forced by --path;
 * --block sets the fused way's samples per block (default: the backend's sizing).
 *
 *   npx tsx scripts/conv-fused-speed.ts [--threads N] [--kernels simd|relaxed] [--density 0.38] [--path dense|sparse] [--block samples] [--rounds 40]
 *
 * Process CPU time (all threads); prints the median per-call time of each way and their ratio.
 */

import { argument } from '../bench/args.js';
import type { Conv2dGeometry } from '../src/backend/backend.js';
import { WasmBackend } from '../src/backend/wasm/wasm-backend.js';
import { Rng } from '../src/tensor/rng.js';

const choice = argument('--kernels');
const threads = Number(argument('--threads') ?? '1');
const backend = choice === 'simd' || choice === 'relaxed' ? await WasmBackend.create(threads, true, choice) : await WasmBackend.create(threads);
const density = Number(argument('--density') ?? '0.38');
const rounds = Number(argument('--rounds') ?? '40');
const path = argument('--path');
if (path !== undefined && path !== 'dense' && path !== 'sparse') throw new Error(`--path ${path}: pass dense or sparse`);
if (path !== undefined) backend.sparseLimits = { a: 0, b: path === 'sparse' ? 1 : 0 };
const block = argument('--block');
if (block !== undefined) backend.fusedBlockSamples = Number(block);

const batch = 128;
const channels = 64;
const g: Conv2dGeometry = {
  channels: 32,
  height: 14,
  width: 14,
  kernelH: 3,
  kernelW: 3,
  strideH: 2,
  strideW: 2,
  padH: 1,
  padW: 1,
  dilationH: 1,
  dilationW: 1,
  outH: 7,
  outW: 7,
};
const depth = g.channels * g.kernelH * g.kernelW;
const plane = g.outH * g.outW;
const rng = new Rng(1);
const w = backend.alloc(channels * depth);
for (let i = 0; i < w.length; i++) w[i] = rng.uniform() - 0.5;
const x = backend.alloc(batch * channels * plane);
for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < density ? rng.uniform() : 0;
const images = backend.alloc(batch * g.channels * g.height * g.width);
const xt = backend.alloc(channels * batch * plane);
const cols = backend.alloc(depth * batch * plane);

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function fused(): void {
  backend.channelsToImage(w, x, batch, channels, g, images);
}

function batched(): void {
  backend.swapAxes(x, batch, channels, plane, xt);
  backend.gemm({ a: w, b: xt, c: cols, m: depth, n: batch * plane, k: channels, transA: true, transB: false, alpha: 1, beta: 0 });
  backend.col2im(cols, g, images, batch);
}

function timed(fn: () => void): number {
  const start = cpuMs();
  fn();
  return cpuMs() - start;
}

const ways: Array<[string, () => void, number[]]> = [
  ['fused', fused, []],
  ['batched', batched, []],
];
for (const [, fn] of ways) for (let i = 0; i < 5; i++) fn();
for (let r = 0; r < rounds; r++) {
  for (const [, fn, times] of r % 2 === 0 ? ways : [...ways].reverse()) times.push(timed(fn));
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [name, , times] of ways) console.log(`${name.padEnd(8)} ${median(times).toFixed(2)} ms per call (median of ${rounds}, CPU)`);
console.log(
  `fused/batched ${(median(ways[0]![2]) / median(ways[1]![2])).toFixed(3)} · ${backend.kernels} kernels, ${threads} thread(s), density ${density}${path ? `, ${path} path` : ''}${block ? `, blocks of ${block}` : ''}`,
);
process.exit(0);
