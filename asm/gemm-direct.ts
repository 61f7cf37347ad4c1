/**
 * GEMM paths without packing, for products with one tiny dimension (the first and last layers of
 * a convolutional network, where a 3×3 kernel over one channel gives k, m or n = 9).
 *
 * Packing pays when each packed value is reused many times; with k = 9 a packed B panel is used
 * for one 9-deep micro-kernel call per tile and the copy costs as much as the arithmetic, and with
 * n = 9 the 8-wide micro-tile computes 16 columns for 9. Here:
 *
 * - gemmDirect (B stored [k, n], any A): a 4×8 register tile reads op(A) broadcasts and rows of B
 *   where they lie, over the whole depth k, column blocks of JC outer so a block of B stays in
 *   cache while all rows sweep it.
 * - gemmDot (A stored [m, k], B stored [n, k]): each C value is a dot product of two contiguous
 *   rows; a 4×2 tile of 4-lane accumulators runs over KD-deep slices of k.
 *
 * Both compute the sub-block rows [m0, m1) × columns [n0, n1). Edge rows and columns run through
 * narrower loops (gemmDirect) or tiles repeating the last valid row or column, results discarded
 * (gemmDot), so every C value follows the same sequence of float operations whatever the tile it
 * falls in: threads splitting C differently give identical bits.
 * C must already hold beta·C when `accumulate` (beta ∉ {0, 1} is scaled by the caller); otherwise
 * C is overwritten without being read.
 */

import { madd } from './fma';

/** Columns of B swept by all rows of a block before the next block (JC·k floats stay cached). */
const JC: i32 = 256;
/** Depth of one slice of the dot-product path (4 rows of A and 2 of B: 24 KiB). */
const KD: i32 = 1024;

/** True when gemmDirect handles a product of these sizes (B not transposed). */
// @ts-ignore: decorator
@inline
export function useDirect(m: i32, k: i32): bool {
  return k <= 16 || (m <= 16 && k <= 64);
}

/** True when gemmDot handles a product of these sizes (A not transposed, B transposed). */
// @ts-ignore: decorator
@inline
export function useDot(n: i32, k: i32): bool {
  return n <= 16 && k >= 64;
}

// Stores (or adds) alpha·acc at c.
// @ts-ignore: decorator
@inline
function put(c: usize, acc: v128, alpha: v128, accumulate: bool): void {
  const v = f32x4.mul(acc, alpha);
  v128.store(c, accumulate ? f32x4.add(v128.load(c), v) : v);
}

// One row of gemmDirect over columns [j0, jEnd): the same per-value operations as the 4-row tile.
function directRow(
  ar: usize, b: usize, cr: usize, n: i32, k: i32, depthStep: usize, alpha: f32, accumulate: bool, j0: i32, jEnd: i32,
): void {
  const bRow = <usize>n << 2;
  const va = f32x4.splat(alpha);
  let j = j0;
  for (; j + 8 <= jEnd; j += 8) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
    let pb = b + (<usize>j << 2);
    let pa = ar;
    for (let p = 0; p < k; p++) {
      const av = v128.load32_splat(pa);
      s0 = madd(av, v128.load(pb), s0);
      s1 = madd(av, v128.load(pb, 16), s1);
      pb += bRow;
      pa += depthStep;
    }
    const o = cr + (<usize>j << 2);
    put(o, s0, va, accumulate);
    put(o + 16, s1, va, accumulate);
  }
  if (j + 4 <= jEnd) {
    let s0 = f32x4.splat(0);
    let pb = b + (<usize>j << 2);
    let pa = ar;
    for (let p = 0; p < k; p++) {
      s0 = madd(v128.load32_splat(pa), v128.load(pb), s0);
      pb += bRow;
      pa += depthStep;
    }
    put(cr + (<usize>j << 2), s0, va, accumulate);
    j += 4;
  }
  for (; j < jEnd; j++) {
    let s: f32 = 0;
    let pb = b + (<usize>j << 2);
    let pa = ar;
    for (let p = 0; p < k; p++) {
      s += load<f32>(pa) * load<f32>(pb);
      pb += bRow;
      pa += depthStep;
    }
    const o = cr + (<usize>j << 2);
    const v = s * alpha;
    store<f32>(o, accumulate ? load<f32>(o) + v : v);
  }
}

/**
 * C[m0..m1, n0..n1] (+)= alpha · op(A) · B with B stored [k, n]; op(A)[i, p] lies at
 * a + i·rowStep + p·depthStep (bytes).
 */
export function gemmDirect(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, alpha: f32, accumulate: bool,
  m0: i32, m1: i32, n0: i32, n1: i32,
): void {
  const rowStep: usize = transA ? 4 : <usize>k << 2;
  const depthStep: usize = transA ? <usize>m << 2 : 4;
  const bRow = <usize>n << 2;
  const cRow = <usize>n << 2;
  const va = f32x4.splat(alpha);
  for (let j0 = n0; j0 < n1; j0 += JC) {
    const jEnd = min(j0 + JC, n1);
    let i = m0;
    for (; i + 4 <= m1; i += 4) {
      const a0 = a + <usize>i * rowStep;
      const a1 = a0 + rowStep;
      const a2 = a1 + rowStep;
      const a3 = a2 + rowStep;
      const c0 = c + <usize>i * cRow;
      let j = j0;
      for (; j + 8 <= jEnd; j += 8) {
        let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
        let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
        let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
        let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
        let pb = b + (<usize>j << 2);
        let pa: usize = 0;
        for (let p = 0; p < k; p++) {
          const b0 = v128.load(pb);
          const b1 = v128.load(pb, 16);
          let av = v128.load32_splat(a0 + pa);
          s00 = madd(av, b0, s00);
          s01 = madd(av, b1, s01);
          av = v128.load32_splat(a1 + pa);
          s10 = madd(av, b0, s10);
          s11 = madd(av, b1, s11);
          av = v128.load32_splat(a2 + pa);
          s20 = madd(av, b0, s20);
          s21 = madd(av, b1, s21);
          av = v128.load32_splat(a3 + pa);
          s30 = madd(av, b0, s30);
          s31 = madd(av, b1, s31);
          pb += bRow;
          pa += depthStep;
        }
        let r = c0 + (<usize>j << 2);
        put(r, s00, va, accumulate); put(r + 16, s01, va, accumulate);
        r += cRow;
        put(r, s10, va, accumulate); put(r + 16, s11, va, accumulate);
        r += cRow;
        put(r, s20, va, accumulate); put(r + 16, s21, va, accumulate);
        r += cRow;
        put(r, s30, va, accumulate); put(r + 16, s31, va, accumulate);
      }
      // The last (< 8) columns, one value at a time.
      for (let r = 0; r < 4; r++) {
        directRow(a0 + <usize>r * rowStep, b, c0 + <usize>r * cRow, n, k, depthStep, alpha, accumulate, j, jEnd);
      }
    }
    // Fewer than 4 rows left (m = 9: the ninth): one row at a time rather than a padded tile.
    for (; i < m1; i++) directRow(a + <usize>i * rowStep, b, c + <usize>i * cRow, n, k, depthStep, alpha, accumulate, j0, jEnd);
  }
}

// (l0 + l1) + (l2 + l3) of a 4-lane accumulator.
// @ts-ignore: decorator
@inline
function lanes(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// One C value from a slice: lanes, then the scalar tail of the slice, times alpha, into C.
// @ts-ignore: decorator
@inline
function putDot(
  c: usize, acc: v128, ar: usize, br: usize, p4: usize, pEnd: usize, alpha: f32, accumulate: bool,
): void {
  let s = lanes(acc);
  for (let o = p4; o < pEnd; o += 4) s += load<f32>(ar + o) * load<f32>(br + o);
  const v = s * alpha;
  store<f32>(c, accumulate ? load<f32>(c) + v : v);
}

/**
 * C[m0..m1, n0..n1] (+)= alpha · A · Bᵀ with A stored [m, k] and B stored [n, k]: dot products
 * of contiguous rows, k cut into KD-deep slices that each add into C.
 */
export function gemmDot(
  a: usize, b: usize, c: usize, n: i32, k: i32, alpha: f32, accumulate: bool,
  m0: i32, m1: i32, n0: i32, n1: i32,
): void {
  const row = <usize>k << 2;
  const cRow = <usize>n << 2;
  for (let p0 = 0; p0 < k; p0 += KD) {
    const pEnd = <usize>min(KD, k - p0) << 2;
    const p4 = pEnd & ~15;
    const add = accumulate || p0 > 0;
    const start = <usize>p0 << 2;
    for (let i = m0; i < m1; i += 4) {
      const last = m1 - 1;
      const rows = min(4, m1 - i);
      const a0 = a + <usize>i * row + start;
      const a1 = a + <usize>min(i + 1, last) * row + start;
      const a2 = a + <usize>min(i + 2, last) * row + start;
      const a3 = a + <usize>min(i + 3, last) * row + start;
      for (let j = n0; j < n1; j += 2) {
        const two = j + 1 < n1;
        const b0 = b + <usize>j * row + start;
        const b1 = b + <usize>(two ? j + 1 : j) * row + start;
        let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
        let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
        let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
        let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
        for (let o: usize = 0; o < p4; o += 16) {
          const x0 = v128.load(b0 + o);
          const x1 = v128.load(b1 + o);
          let av = v128.load(a0 + o);
          s00 = madd(av, x0, s00);
          s01 = madd(av, x1, s01);
          av = v128.load(a1 + o);
          s10 = madd(av, x0, s10);
          s11 = madd(av, x1, s11);
          av = v128.load(a2 + o);
          s20 = madd(av, x0, s20);
          s21 = madd(av, x1, s21);
          av = v128.load(a3 + o);
          s30 = madd(av, x0, s30);
          s31 = madd(av, x1, s31);
        }
        const c0 = c + <usize>i * cRow + (<usize>j << 2);
        putDot(c0, s00, a0, b0, p4, pEnd, alpha, add);
        if (two) putDot(c0 + 4, s01, a0, b1, p4, pEnd, alpha, add);
        if (rows > 1) {
          putDot(c0 + cRow, s10, a1, b0, p4, pEnd, alpha, add);
          if (two) putDot(c0 + cRow + 4, s11, a1, b1, p4, pEnd, alpha, add);
        }
        if (rows > 2) {
          putDot(c0 + 2 * cRow, s20, a2, b0, p4, pEnd, alpha, add);
          if (two) putDot(c0 + 2 * cRow + 4, s21, a2, b1, p4, pEnd, alpha, add);
        }
        if (rows > 3) {
          putDot(c0 + 3 * cRow, s30, a3, b0, p4, pEnd, alpha, add);
          if (two) putDot(c0 + 3 * cRow + 4, s31, a3, b1, p4, pEnd, alpha, add);
        }
      }
    }
  }
}
