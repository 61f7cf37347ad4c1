/**
 * The packed GEMM path (gemm.ts gemmPacked) with op(B) packed ahead of time, for a weight that
 * an inference pass multiplies batch after batch (src/backend/wasm/packed-operands.ts keeps the
 * copy while the weight is unchanged).
 *
 * Layout of the packed copy: for each k slice of gemmPacked's blocking (equal slices of at most
 * KC), every NR-wide sliver of op(B) over that slice, in column order: sliver s of the slice at
 * p0 starts at float p0·nPad + s·NR·kc, with nPad = n rounded up to NR. A panel of gemmPacked
 * (NC columns from a multiple of NR) is then a run of consecutive slivers, laid out exactly as
 * packB writes it into the thread's scratch, so the micro-kernel reads the same values in the
 * same order and a product gives the same bits with or without the kept copy.
 */

import { A_BLOCK_FLOATS, gemm, KC, MR, NC, NR, microKernel, packA, packB, scaleC } from './gemm';
import { useDirect, useDot } from './gemm-direct';

/** k slice depth of gemmPacked over depth k (equal slices of at most KC). */
function sliceDepth(k: i32): i32 {
  const kSlices = (k + KC - 1) / KC;
  return (k + kSlices - 1) / kSlices;
}

/** Floats of the kept copy of op(B) for n columns and depth k. */
export function packedPanelsFloats(n: i32, k: i32): i32 {
  return (n + NR - 1) / NR * NR * k;
}

/** Whether `gemm` takes the packed path for this product (not one of gemm-direct.ts's paths). */
export function gemmPacksB(m: i32, n: i32, k: i32, transA: bool, transB: bool): bool {
  if (k == 0) return false;
  if (!transB && useDirect(m, k)) return false;
  return !(!transA && transB && useDot(n, k));
}

/** Packs slivers [s0, s1) of op(B) (B [k, n], or [n, k] when transB) over every k slice. */
export function packPanels(b: usize, n: i32, k: i32, transB: bool, s0: i32, s1: i32, packed: usize): void {
  const j0 = s0 * NR;
  const nc = min(n, s1 * NR) - j0;
  if (nc <= 0) return;
  const nPad = (n + NR - 1) / NR * NR;
  const kStep = sliceDepth(k);
  for (let p0 = 0; p0 < k; p0 += kStep) {
    const kc = min(kStep, k - p0);
    packB(b, n, k, transB, j0, nc, p0, kc, packed + ((<usize>p0 * <usize>nPad + <usize>j0 * <usize>kc) << 2));
  }
}

/**
 * `gemm` over C[m0..m1, n0..n1] with op(B) read from `packed` (packPanels over every sliver)
 * instead of packed per call; the products gemm computes without packing (gemmPacksB false)
 * read `b` as gemm does. The blocking below is gemmPacked's over the whole depth.
 */
export function gemmPrepacked(
  a: usize, b: usize, packed: usize, c: usize, m: i32, n: i32, k: i32,
  transA: i32, transB: i32, alpha: f32, beta: f32,
  m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize,
): void {
  if (k == 0 || alpha == 0 || !gemmPacksB(m, n, k, transA != 0, transB != 0)) {
    // gemm's paths that pack nothing (or compute nothing): the same call as without a copy.
    gemm(a, b, c, m, n, k, transA, transB, alpha, beta, m0, m1, n0, n1, scratch);
    return;
  }
  if (m1 <= m0 || n1 <= n0) return;
  // As gemm: beta = 0 overwrites C, any other beta than 1 scales it first and then adds.
  if (beta != 0 && beta != 1) scaleC(c, n, m0, m1, n0, n1, beta);
  const accumulate = beta != 0;
  const pA = scratch;
  const tile = scratch + (<usize>(A_BLOCK_FLOATS + KC * NC) << 2);
  const kStep = sliceDepth(k);
  const nPad = (n + NR - 1) / NR * NR;
  const rowsFit = max(MR, (A_BLOCK_FLOATS / kStep) & ~(MR - 1));
  const rowBlocks = (m1 - m0 + rowsFit - 1) / rowsFit;
  const mcStep = ((m1 - m0 + rowBlocks - 1) / rowBlocks + MR - 1) & ~(MR - 1);
  for (let p0 = 0; p0 < k; p0 += kStep) {
    const kc = min(kStep, k - p0);
    const add = p0 > 0 || accumulate;
    const slice = packed + (<usize>p0 * <usize>nPad << 2);
    for (let i0 = m0; i0 < m1; i0 += mcStep) {
      const mc = min(mcStep, m1 - i0);
      packA(a, m, k, transA != 0, alpha, i0, mc, p0, kc, pA);
      for (let j0 = n0; j0 < n1; j0 += NC) {
        const nc = min(NC, n1 - j0);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pb = slice + (<usize>(j0 + jr) * <usize>kc << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const cp = c + ((<usize>(i0 + ir) * <usize>n + <usize>(j0 + jr)) << 2);
            microKernel(kc, pA + (<usize>(ir * kc) << 2), pb, cp, n, rows, cols, add, tile);
          }
        }
      }
    }
  }
}
