/**
 * op(B) packed ahead of time for the packed GEMM path (gemm.ts gemmPacked, `packed` argument), for a weight that
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

import { NR, packB, sliceDepth, takesDirect, takesDot } from './gemm';

/** Floats of the kept copy of op(B) for n columns and depth k. */
export function packedPanelsFloats(n: i32, k: i32): i32 {
  return (n + NR - 1) / NR * NR * k;
}

/** Whether `gemm` takes the packed path for this product, the one that reads a kept copy. */
export function gemmPacksB(m: i32, n: i32, k: i32, transA: bool, transB: bool): bool {
  return k != 0 && !takesDirect(m, k, transB) && !takesDot(n, k, transA, transB);
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
