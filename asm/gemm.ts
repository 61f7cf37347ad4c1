/**
 * Blocked, packed single-precision GEMM with 128-bit SIMD (AssemblyScript → wasm).
 *
 * C[m,n] = alpha · op(A)[m,k] · op(B)[k,n] + beta · C, row-major, computed for the sub-block
 * rows [m0, m1) × columns [n0, n1) so that threads can split one product without overlap.
 *
 * Structure (Goto/BLIS): for each k slice (at most KC deep, slices of equal depth), as many rows
 * of alpha·op(A) as fit A_BLOCK_FLOATS are packed into MR-tall slivers, then op(B) is packed one
 * NC-wide panel at a time into NR-wide slivers (zero-padded at the edges) and an MR×NR
 * register-blocked micro-kernel sweeps every A sliver against each B sliver. Transposes are
 * absorbed by the packing routines, so the micro-kernel sees one layout only.
 *
 * Blocking for operands that arrive cold (training: every product reads what another layer just
 * wrote): the A block (≤ 512 KB) and one B panel (≤ 256 KB) stay in this core's 1 MB L2 while the
 * panel's slivers (≤ 16 KB) are swept from L1, and slices up to 512 deep let products with
 * k ≤ 512 (W2's convolutions, W1's last layer forward) write C once instead of reading it back
 * for every slice. The big operand is read once from memory, panel by panel, instead of packed
 * whole into a 1 MB panel (as large as L2) and read back from further out.
 *
 * Products with one tiny dimension skip packing (gemm-direct.ts).
 *
 * Invariants: the scratch holds A_BLOCK_FLOATS for packed A, then KC·NC for one packed B panel,
 * then one MR×NR tile, 16-byte aligned and private to the calling thread. Every C value sums its
 * k slices in order with the same micro-kernel whatever rows or columns a thread computes, so
 * splitting C among threads gives the same bits. beta = 0 never reads C (NaN-safe).
 */

import { madd } from './fma';
import { interleaveHi, interleaveLo, storeT4, storeT4Copy } from './transpose';
import { sparseScratchFloats } from './gemm-sparse';
import { gemmDirect, gemmDot, useDirect, useDot } from './gemm-direct';

/**
 * Rows per micro-tile. With fused multiply-add (the relaxed build) a 6×8 tile's 12 accumulators,
 * both B vectors and one A broadcast fill the 15 xmm registers V8 gives wasm, and the kernel runs
 * at the FMA pipes' peak (4×8 reached 91% of it); a separate multiply needs a register for each
 * product, so the plain build keeps 4×8 (6×8 spills there and runs at half speed).
 */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
export const NR: i32 = 8;
/** Deepest k slice: a B sliver (KC·NR floats, 16 KB) stays in L1 while A slivers stream past it. */
export const KC: i32 = 512;
/** Columns of op(B) packed at once: one panel (≤ KC·NC floats, 256 KB) stays in L2. */
export const NC: i32 = 128;
/** Packed A per block (512 KB, in L2 beside a B panel): all rows of W1's and W2's products at once. */
export const A_BLOCK_FLOATS: i32 = 1 << 17;

/** Rows per micro-tile in this build (MR): threads splitting C by rows cut on multiples of it. */
export function gemmTileRows(): i32 {
  return MR;
}

/** Floats of scratch each thread needs for packing A and B. */
export function gemmScratchFloats(): i32 {
  return max(A_BLOCK_FLOATS + KC * NC + MR * NR, sparseScratchFloats());
}

// Packs alpha·op(A)[i0..i0+mc, p0..p0+kc] into MR-tall slivers: dst[s][p][r] (zero padding).
function packA(
  a: usize, m: i32, k: i32, transA: bool, alpha: f32,
  i0: i32, mc: i32, p0: i32, kc: i32, dst: usize,
): void {
  const va = f32x4.splat(alpha);
  const unit = alpha == 1;
  for (let s = 0; s < mc; s += MR) {
    const rows = min(MR, mc - s);
    const base = dst + (<usize>(s * kc) << 2);
    if (transA) {
      // A stored [k, m]: the MR values of one p are contiguous.
      let src = a + ((<usize>p0 * <usize>m + <usize>(i0 + s)) << 2);
      const stride = <usize>m << 2;
      for (let p = 0; p < kc; p++) {
        const d = base + (<usize>(p * MR) << 2);
        if (rows == MR) {
          v128.store(d, f32x4.mul(v128.load(src), va));
          if (MR == 6) v128.store64_lane(d, f32x4.mul(v128.load64_zero(src, 16), va), 0, 16);
        } else {
          for (let r = 0; r < MR; r++) {
            store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) * alpha : 0);
          }
        }
        src += stride;
      }
    } else if (rows == MR) {
      // A stored [m, k]: rows are contiguous along p; transpose 4×4 blocks on the way (and, for
      // 6-row slivers, rows 4 and 5 interleaved in pairs after them).
      const stride = <usize>k << 2;
      const s0 = a + ((<usize>(i0 + s) * <usize>k + <usize>p0) << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const d = base + (<usize>(p * MR) << 2);
        const r0 = v128.load(s0 + o), r1 = v128.load(s0 + stride + o);
        const r2 = v128.load(s0 + 2 * stride + o), r3 = v128.load(s0 + 3 * stride + o);
        // alpha = 1 (every product in training) copies without the multiplies.
        if (unit) storeT4Copy(r0, r1, r2, r3, d, MR << 2);
        else storeT4(r0, r1, r2, r3, va, d, MR << 2);
        if (MR == 6) {
          let r4 = v128.load(s0 + 4 * stride + o), r5 = v128.load(s0 + 5 * stride + o);
          if (!unit) {
            r4 = f32x4.mul(r4, va);
            r5 = f32x4.mul(r5, va);
          }
          const lo = interleaveLo(r4, r5);
          const hi = interleaveHi(r4, r5);
          v128.store64_lane(d, lo, 0, 16);
          v128.store64_lane(d + (MR << 2), lo, 1, 16);
          v128.store64_lane(d + (2 * MR << 2), hi, 0, 16);
          v128.store64_lane(d + (3 * MR << 2), hi, 1, 16);
        }
      }
      for (; p < kc; p++) {
        const d = base + (<usize>(p * MR) << 2);
        const o = <usize>p << 2;
        for (let r = 0; r < MR; r++) {
          store<f32>(d + (<usize>r << 2), load<f32>(s0 + <usize>r * stride + o) * alpha);
        }
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const d = base + (<usize>r << 2);
        const src = a + ((<usize>(i0 + s + min(r, rows - 1)) * <usize>k + <usize>p0) << 2);
        for (let p = 0; p < kc; p++) {
          store<f32>(d + (<usize>(p * MR) << 2), r < rows ? load<f32>(src + (<usize>p << 2)) * alpha : 0);
        }
      }
    }
  }
}

// Packs op(B)[p0..p0+kc, j0..j0+nc] into NR-wide slivers: dst[s][p][c] (zero padding).
export function packB(
  b: usize, n: i32, k: i32, transB: bool,
  j0: i32, nc: i32, p0: i32, kc: i32, dst: usize,
): void {
  for (let s = 0; s < nc; s += NR) {
    const cols = min(NR, nc - s);
    const base = dst + (<usize>(s * kc) << 2);
    if (!transB) {
      // B stored [k, n]: the NR values of one p are contiguous.
      let src = b + ((<usize>p0 * <usize>n + <usize>(j0 + s)) << 2);
      const stride = <usize>n << 2;
      for (let p = 0; p < kc; p++) {
        const d = base + (<usize>(p * NR) << 2);
        if (cols == NR) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        } else {
          for (let c = 0; c < NR; c++) {
            store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
          }
        }
        src += stride;
      }
    } else if (cols == NR) {
      // B stored [n, k]: columns of op(B) are contiguous along p; transpose 4×4 blocks.
      const stride = <usize>k << 2;
      const s0 = b + ((<usize>(j0 + s) * <usize>k + <usize>p0) << 2);
      const s4 = s0 + 4 * stride;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const d = base + (<usize>(p * NR) << 2);
        storeT4Copy(
          v128.load(s0 + o), v128.load(s0 + stride + o),
          v128.load(s0 + 2 * stride + o), v128.load(s0 + 3 * stride + o),
          d, NR << 2,
        );
        storeT4Copy(
          v128.load(s4 + o), v128.load(s4 + stride + o),
          v128.load(s4 + 2 * stride + o), v128.load(s4 + 3 * stride + o),
          d + 16, NR << 2,
        );
      }
      for (; p < kc; p++) {
        const d = base + (<usize>(p * NR) << 2);
        const o = <usize>p << 2;
        for (let c = 0; c < NR; c++) {
          store<f32>(d + (<usize>c << 2), load<f32>(s0 + <usize>c * stride + o));
        }
      }
    } else {
      for (let c = 0; c < NR; c++) {
        const d = base + (<usize>c << 2);
        const src = b + ((<usize>(j0 + s + min(c, cols - 1)) * <usize>k + <usize>p0) << 2);
        for (let p = 0; p < kc; p++) {
          store<f32>(d + (<usize>(p * NR) << 2), c < cols ? load<f32>(src + (<usize>p << 2)) : 0);
        }
      }
    }
  }
}

// MR×NR micro-kernel over packed slivers; `accumulate` adds to C, otherwise overwrites it.
// Writes only the rows × cols corner that lies inside C. Every accumulator, both B vectors and
// the A broadcast stay in registers (see MR for why the tile is 6×8 or 4×8).
// @ts-ignore: decorator
@inline
function microKernel(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, t: usize,
  tall: bool,
): void {
  // 6-row slivers whose tile has at most 4 rows inside C (the last of 128 or 64 rows) skip the
  // two padding rows: the caller passes `tall` as a constant, so each copy has one loop.
  const six = MR == 6 && tall;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    if (six) {
      av = v128.load32_splat(pa, 16);
      c40 = madd(av, b0, c40);
      c41 = madd(av, b1, c41);
      av = v128.load32_splat(pa, 20);
      c50 = madd(av, b0, c50);
      c51 = madd(av, b1, c51);
    }
    pa += MR << 2;
    pb += NR << 2;
  }
  const rowBytes = <usize>ldc << 2;
  if (rows == (six ? 6 : 4) && cols == NR) {
    let r = c;
    if (accumulate) {
      v128.store(r, f32x4.add(v128.load(r), c00)); v128.store(r, f32x4.add(v128.load(r, 16), c01), 16); r += rowBytes;
      v128.store(r, f32x4.add(v128.load(r), c10)); v128.store(r, f32x4.add(v128.load(r, 16), c11), 16); r += rowBytes;
      v128.store(r, f32x4.add(v128.load(r), c20)); v128.store(r, f32x4.add(v128.load(r, 16), c21), 16); r += rowBytes;
      v128.store(r, f32x4.add(v128.load(r), c30)); v128.store(r, f32x4.add(v128.load(r, 16), c31), 16);
      if (six) {
        r += rowBytes;
        v128.store(r, f32x4.add(v128.load(r), c40)); v128.store(r, f32x4.add(v128.load(r, 16), c41), 16); r += rowBytes;
        v128.store(r, f32x4.add(v128.load(r), c50)); v128.store(r, f32x4.add(v128.load(r, 16), c51), 16);
      }
    } else {
      v128.store(r, c00); v128.store(r, c01, 16); r += rowBytes;
      v128.store(r, c10); v128.store(r, c11, 16); r += rowBytes;
      v128.store(r, c20); v128.store(r, c21, 16); r += rowBytes;
      v128.store(r, c30); v128.store(r, c31, 16);
      if (six) {
        r += rowBytes;
        v128.store(r, c40); v128.store(r, c41, 16); r += rowBytes;
        v128.store(r, c50); v128.store(r, c51, 16);
      }
    }
    return;
  }
  // Edge tile: spill the accumulators to the thread's tile scratch and copy the valid corner.
  v128.store(t, c00, 0); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  if (six) {
    v128.store(t, c40, 128); v128.store(t, c41, 144);
    v128.store(t, c50, 160); v128.store(t, c51, 176);
  }
  for (let i = 0; i < rows; i++) {
    const dst = c + <usize>i * rowBytes;
    const src = t + (<usize>(i * NR) << 2);
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(src + o);
      store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
    }
  }
}

// C[m0..m1, n0..n1] *= beta (beta ≠ 0, ≠ 1); beta = 0 is handled by overwriting instead.
export function scaleC(c: usize, n: i32, m0: i32, m1: i32, n0: i32, n1: i32, beta: f32): void {
  for (let i = m0; i < m1; i++) {
    const row = c + ((<usize>i * <usize>n) << 2);
    for (let j = n0; j < n1; j++) {
      const o = row + (<usize>j << 2);
      store<f32>(o, load<f32>(o) * beta);
    }
  }
}

/**
 * C[m0..m1, n0..n1] = alpha · op(A) · op(B) + beta · C over that sub-block.
 * Pointers are byte offsets of float32 arrays; `scratch` holds gemmScratchFloats() floats.
 * `packed`, when not 0, holds op(B) packed ahead of time (gemm-prepacked.ts packPanels), which
 * the packed path reads instead of packing B; the other paths read `b`.
 */
export function gemm(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32,
  transA: i32, transB: i32, alpha: f32, beta: f32,
  m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize, packed: usize = 0,
): void {
  if (m1 <= m0 || n1 <= n0) return;
  if (k == 0 || alpha == 0) {
    if (beta == 0) {
      for (let i = m0; i < m1; i++) {
        memory.fill(c + ((<usize>i * <usize>n + <usize>n0) << 2), 0, <usize>(n1 - n0) << 2);
      }
    } else if (beta != 1) {
      scaleC(c, n, m0, m1, n0, n1, beta);
    }
    return;
  }
  if (beta != 0 && beta != 1) scaleC(c, n, m0, m1, n0, n1, beta);
  if (takesDirect(m, k, transB != 0)) {
    gemmDirect(a, b, c, m, n, k, transA != 0, alpha, beta != 0, m0, m1, n0, n1);
    return;
  }
  if (takesDot(n, k, transA != 0, transB != 0)) {
    gemmDot(a, b, c, n, k, alpha, beta != 0, m0, m1, n0, n1);
    return;
  }
  gemmPacked(a, b, c, m, n, k, transA != 0, transB != 0, alpha, beta != 0, m0, m1, n0, n1, 0, k, scratch, packed);
}

// One tiny dimension: packing would cost as much as the arithmetic (see gemm-direct.ts).
export function takesDirect(m: i32, k: i32, transB: bool): bool {
  return !transB && useDirect(m, k);
}

// A thin transposed product: dot products along k (see gemm-direct.ts).
export function takesDot(n: i32, k: i32, transA: bool, transB: bool): bool {
  return !transA && transB && useDot(n, k);
}

/** Depth of gemmPacked's k slices over `depth`: equal slices of at most KC (784 → 2 × 392, not 512 + 272), so every micro-kernel call stays long. */
export function sliceDepth(depth: i32): i32 {
  const kSlices = (depth + KC - 1) / KC;
  return (depth + kSlices - 1) / kSlices;
}

/**
 * The packed path over depth [kLo, kHi) only: C[m0..m1, n0..n1] (+)= alpha · op(A)[:, kLo..kHi] ·
 * op(B)[kLo..kHi, :], adding to C when `accumulate`, otherwise overwriting it. A depth range is
 * what one chunk of a depth-split product computes (gemm-depth.ts).
 */
export function gemmPacked(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, alpha: f32, accumulate: bool,
  m0: i32, m1: i32, n0: i32, n1: i32, kLo: i32, kHi: i32, scratch: usize, packed: usize = 0,
): void {
  const pA = scratch;
  const pB = scratch + (<usize>A_BLOCK_FLOATS << 2);
  const tile = pB + (<usize>(KC * NC) << 2);
  const kStep = sliceDepth(kHi - kLo);
  // A kept copy of op(B) (whole depth only: kLo = 0, kHi = k) is laid out slice by slice.
  const nPad = (n + NR - 1) / NR * NR;
  // Rows per A block: all of them when they fit, else equal blocks of whole micro-tiles.
  const rowsFit = max(MR, A_BLOCK_FLOATS / kStep / MR * MR);
  const rowBlocks = (m1 - m0 + rowsFit - 1) / rowsFit;
  const mcStep = ((m1 - m0 + rowBlocks - 1) / rowBlocks + MR - 1) / MR * MR;
  for (let p0 = kLo; p0 < kHi; p0 += kStep) {
    const kc = min(kStep, kHi - p0);
    const add = p0 > kLo || accumulate;
    for (let i0 = m0; i0 < m1; i0 += mcStep) {
      const mc = min(mcStep, m1 - i0);
      packA(a, m, k, transA, alpha, i0, mc, p0, kc, pA);
      for (let j0 = n0; j0 < n1; j0 += NC) {
        const nc = min(NC, n1 - j0);
        let panel = pB;
        if (packed != 0) panel = packed + ((<usize>p0 * <usize>nPad + <usize>j0 * <usize>kc) << 2);
        else packB(b, n, k, transB, j0, nc, p0, kc, pB);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pb = panel + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const cp = c + ((<usize>(i0 + ir) * <usize>n + <usize>(j0 + jr)) << 2);
            const pa = pA + (<usize>(ir * kc) << 2);
            if (MR == 6 && rows <= 4) microKernel(kc, pa, pb, cp, n, rows, cols, add, tile, false);
            else microKernel(kc, pa, pb, cp, n, rows, cols, add, tile, true);
          }
        }
      }
    }
  }
}
