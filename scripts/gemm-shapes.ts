/**
 * GEMM shapes of the reference workloads that the measuring scripts share
 * (scripts/gemm-gflops.ts, scripts/paired-gemm.ts), and the seeded operands and path limits they
 * time them with.
 */

import type { SparseGemmLimits } from '../src/backend/wasm/wasm-backend.js';

export interface Shape {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** A product with a mostly-zero operand: which one, and a fixed density of the other (1 = dense). */
export interface SparseShape extends Shape {
  readonly sparse: 'a' | 'b';
  /** Density of the other operand (W1's first weight gradient has both mostly zero). */
  readonly otherDensity: number;
  /** Densities measured in training, printed next to the label. */
  readonly seen: string;
}

export const SPARSE_SHAPES: readonly SparseShape[] = [
  {
    label: 'W1 L1 fwd X·W1ᵀ       128×784·784×512ᵀ',
    m: 128,
    k: 784,
    n: 512,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.19',
  },
  {
    label: 'W1 L6 fwd H5·W6ᵀ      128×512·512×784ᵀ',
    m: 128,
    k: 512,
    n: 784,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.60',
  },
  {
    label: 'W1 L2 fwd H1·W2ᵀ      128×512·512×128ᵀ',
    m: 128,
    k: 512,
    n: 128,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.42',
  },
  {
    label: 'W1 L5 fwd H4·W5ᵀ      128×128·128×512ᵀ',
    m: 128,
    k: 128,
    n: 512,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.5',
  },
  {
    label: 'W1 dH1 = dZ2·W2       128×128·128×512',
    m: 128,
    k: 128,
    n: 512,
    transA: false,
    transB: false,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.42',
  },
  {
    label: 'W1 dH4 = dZ5·W5       128×512·512×128',
    m: 128,
    k: 512,
    n: 128,
    transA: false,
    transB: false,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.5',
  },
  {
    label: 'W1 dW6 = dYᵀ·H5       784×128ᵀ·128×512',
    m: 784,
    k: 128,
    n: 512,
    transA: true,
    transB: false,
    sparse: 'b',
    otherDensity: 1,
    seen: 'B 0.60',
  },
  {
    label: 'W1 dW1 = dZ1ᵀ·X       512×128ᵀ·128×784',
    m: 512,
    k: 128,
    n: 784,
    transA: true,
    transB: false,
    sparse: 'b',
    otherDensity: 0.42,
    seen: 'A 0.42, B 0.19',
  },
  {
    label: 'W1 dW2 = dZ2ᵀ·H1      128×128ᵀ·128×512',
    m: 128,
    k: 128,
    n: 512,
    transA: true,
    transB: false,
    sparse: 'b',
    otherDensity: 0.42,
    seen: 'B 0.42',
  },
  {
    label: 'W3 L1 X·W1ᵀ          1000×784·784×512ᵀ',
    m: 1000,
    k: 784,
    n: 512,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.19',
  },
  {
    label: 'W3 L2 H1·W2ᵀ         1000×512·512×128ᵀ',
    m: 1000,
    k: 512,
    n: 128,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A 0.42',
  },
  {
    label: 'W2 conv2 W·cols      64×288·288×6272',
    m: 64,
    k: 288,
    n: 6272,
    transA: false,
    transB: false,
    sparse: 'b',
    otherDensity: 1,
    seen: 'B post-ReLU',
  },
  {
    label: 'W2 conv2 Wᵀ·dZ       288×64ᵀ·64×6272',
    m: 288,
    k: 64,
    n: 6272,
    transA: true,
    transB: false,
    sparse: 'b',
    otherDensity: 1,
    seen: 'B ReLU-masked',
  },
  {
    label: 'W2 conv2 dZ·colsᵀ    64×6272·6272×288ᵀ',
    m: 64,
    k: 6272,
    n: 288,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A ReLU-masked',
  },
  {
    label: 'W2 dense H·Wᵀ        128×3136·3136×32ᵀ',
    m: 128,
    k: 3136,
    n: 32,
    transA: false,
    transB: true,
    sparse: 'a',
    otherDensity: 1,
    seen: 'A post-ReLU',
  },
];

/** A seeded generator (mulberry32), so every run measures the same zero patterns. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `x` with non-zeros at share `density` (random positions, ReLU-like positive values). */
export function fillSparse(x: Float32Array, density: number, next: () => number): number {
  let nonZeros = 0;
  for (let i = 0; i < x.length; i++) {
    const keep = next() < density;
    x[i] = keep ? 0.05 + next() : 0;
    if (keep) nonZeros++;
  }
  return nonZeros;
}

/** Sparse limits under which `shape` takes its mostly-zero operand's path and never the other's. */
export function sparsePathOnly(shape: SparseShape): SparseGemmLimits {
  return shape.sparse === 'a' ? { a: 2, b: -1 } : { a: -1, b: 2 };
}
