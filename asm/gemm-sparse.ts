/**
 * The GEMM paths for a mostly-zero operand: the left one (A stored [m, k], not transposed), or
 * the right one (B stored [k, n], computed as the transpose of Bᵀ·op(A)ᵀ, see gemmSparseB).
 *
 * Images with a blank background (MNIST pixels are about 80% zeros), one-hot columns and ReLU
 * activations multiply mostly by zero. Here each MC×KC block of A is compressed to its non-zeros
 * (row pointers, values scaled by alpha, and the byte offset of their row in a packed sliver), so
 * the work is proportional to the non-zeros instead of m·k. A zero entry contributes exactly 0 to
 * every sum, so results equal the dense path up to float rounding order (the one exception: a zero
 * times an infinite or NaN entry of the other operand is skipped instead of giving NaN).
 *
 * op(B) is packed into SW (32, or 16 in the plain SIMD build) columns wide slivers:
 * packed[s][p][0..SW). Threads split the rows of C; each packs op(B) for itself inside the job,
 * whole when small or else one k slice at a time right before it is swept, and
 * only an operand too big for that is packed once for all threads by a job of its own first.
 * Products deep enough for the dense path's depth split are split over k the same way instead
 * (gemm-depth.ts): each depth group compresses its range of every row and packs only its slices.
 * Each thread compresses its own rows of A (SMC rows × SKC_A deep at a time) and sweeps every
 * sliver. One non-zero a[i, p] multiplies the contiguous row p of a sliver
 * (SW·4 bytes), loaded at constant offsets into SW/4 accumulators; a sliver slice (16 KB) stays
 * in L1 while the rows of the block sweep it, and later k slices add into C through the
 * accumulators.
 *
 * A mostly-zero right operand (gemmSparseB) has its columns compressed straight from B, four at a
 * time through 4×4 transposes in registers, by the same branch-free appends, then swept against
 * op(A)ᵀ packed the same way.
 */

import { madd } from './fma';
import { highPairs, interleaveHi, interleaveLo, lowPairs, storeT4Copy } from './transpose';

/**
 * Sliver width of the packed B panel on the sparse path: 32 in the relaxed SIMD build, 16 in the
 * plain one. The plain build serves Node 20, whose V8 hoists all eight loads of a 32-wide step
 * ahead of the arithmetic and spills an accumulator (measured: 16 GFLOPS against 23 for the
 * 16-wide loop there); V8 in Node 22+ keeps each load next to its use, and there the 32-wide loop
 * is faster in both builds.
 */
export const SW: i32 = ASC_FEATURE_RELAXED_SIMD ? 32 : 16;

/**
 * Bytes from one k to the next inside a packed sliver (SW floats). The compressed entries' offsets
 * are k·SLIVER_ROW_BYTES, so the sweeps add them to a sliver's address as they are.
 */
const SLIVER_ROW_BYTES: i32 = SW << 2;

/** The offsets of the four entries k = 0..3, and the step from one such group of four to the next. */
// @ts-ignore: decorator
@inline function firstGroupOffsets(): v128 { return i32x4(0, SLIVER_ROW_BYTES, 2 * SLIVER_ROW_BYTES, 3 * SLIVER_ROW_BYTES); }
// @ts-ignore: decorator
@inline function groupOffsetStep(): v128 { return i32x4.splat(4 * SLIVER_ROW_BYTES); }

/** Rows of A compressed at a time. */
const SMC: i32 = 64;
/** Deepest k slice the per-thread scratch holds compressed (SMC rows of it). */
const SKC: i32 = 1024;
/**
 * Depth of a k slice on the mostly-zero-A path: its sliver slice (SKC_A·SW·4 bytes = 16 KB) stays
 * in the 32 KB L1 while every row of the block sweeps it, with room for the compressed rows.
 * Measured (W1's 784- and 512-deep products at densities 0.2 and 0.6): 128 beats 64 and 256 by
 * 3–10%, and the former single 1024-deep slice by 10–15%.
 */
const SKC_A: i32 = SW == 32 ? 128 : 256;

/**
 * Floats of the other operand a thread packs for itself when it is this small (instead of a
 * separate packing job shared by all threads): one job instead of two, which on several threads
 * saves a hand-off that costs as much as a small product.
 */
export const OWN_PACK_FLOATS: i32 = SMC * SKC;

/**
 * Floats of one k slice of the other operand a thread packs for itself when the whole operand
 * exceeds OWN_PACK_FLOATS (two adjacent parts of the scratch that the left path does not
 * otherwise use): 128 deep × 1024 columns in the relaxed build.
 */
export const SLICE_PACK_FLOATS: i32 = SMC * SKC + OWN_PACK_FLOATS;

/**
 * Floats of per-thread scratch: values, offsets, row starts, a tile of 4 rows, then SMC·SKC
 * floats that hold the right path's row ends and own pack or the left path's slice pack, and a
 * packed operand of up to OWN_PACK_FLOATS.
 */
export function sparseScratchFloats(): i32 {
  return 3 * SMC * SKC + OWN_PACK_FLOATS + (SMC + 4) + 4 * SW;
}

// Where each part of the per-thread scratch starts (in that order).
// @ts-ignore: decorator
@inline function csrOffsets(scratch: usize): usize { return scratch + (<usize>(SMC * SKC) << 2); }
// @ts-ignore: decorator
@inline function csrRowStart(scratch: usize): usize { return scratch + (<usize>(2 * SMC * SKC) << 2); }
// @ts-ignore: decorator
@inline function scratchTile(scratch: usize): usize { return csrRowStart(scratch) + (<usize>(SMC + 4) << 2); }
// @ts-ignore: decorator
@inline function scratchPackArea(scratch: usize): usize { return scratchTile(scratch) + (<usize>(4 * SW) << 2); }
// @ts-ignore: decorator
@inline function scratchOwnPack(scratch: usize): usize { return scratchPackArea(scratch) + (<usize>(SMC * SKC) << 2); }

/** Deepest k the transposed path takes in one slice (it does not accumulate slices). */
export const SPARSE_T_MAX_K: i32 = SKC;

/** Floats of the packed op(B) for n columns and depth k (whole slivers). */
export function packedSliversFloats(n: i32, k: i32): i32 {
  return (n + SW - 1) / SW * SW * k;
}

/** Columns per packed sliver of this build (SW). */
export function sparseSliverWidth(): i32 {
  return SW;
}

/** Whether a sparse path packs its swept operand ([k, columns]) whole into its own scratch. */
export function sparseOwnPack(columns: i32, k: i32): bool {
  return packedSliversFloats(columns, k) <= OWN_PACK_FLOATS;
}

/**
 * Whether gemmSparseB packs its swept operand op(A)ᵀ ([k, columns], k ≤ SKC) whole into its own
 * scratch: right after the SMC row ends of its compressed columns, in the room the left path's
 * slice pack uses (up to 992 columns 128 deep, so that W1's 784-wide weight gradient needs no
 * separate packing job on several threads).
 */
export function sparseOwnPackB(columns: i32, k: i32): bool {
  return k <= SKC && packedSliversFloats(columns, k) <= SLICE_PACK_FLOATS - SMC;
}

/** Depth of the k slices of the mostly-zero-A path: k cut into equal slices of at most SKC_A. */
function sliceDepth(k: i32): i32 {
  const kSlices = (k + SKC_A - 1) / SKC_A;
  return (k + kSlices - 1) / kSlices;
}

/** Whether gemmSparseA can pack its swept operand ([k, columns]) one k slice at a time into its scratch. */
export function sparseSlicePack(columns: i32, k: i32): bool {
  return packedSliversFloats(columns, sliceDepth(k)) <= SLICE_PACK_FLOATS;
}

/** Packs slivers [s0, s1) of op(B) (B [k, n], or [n, k] when transB) over the whole depth k. */
export function packSlivers(b: usize, n: i32, k: i32, transB: bool, s0: i32, s1: i32, packed: usize): void {
  const j0 = s0 * SW;
  const nc = min(n, s1 * SW) - j0;
  if (nc > 0) packBSlivers(b, n, k, transB, j0, nc, 0, k, packed + (<usize>j0 * <usize>k << 2));
}

/**
 * C[m0..m1, 0..n] = alpha · A[:, kLo..kHi) · op(B)[kLo..kHi, :] (+ C when `accumulateC`), A
 * stored [m, k], op(B) already in `packed` (packSlivers over all slivers), or, when `packed` is
 * 0, packed here from `b` (B [k, n], or [n, k] when transB; at most OWN_PACK_FLOATS packed). The
 * whole product is kLo = 0, kHi = k; a narrower depth range is one group of a depth split
 * (gemm-depth.ts).
 */
export function gemmSparseA(
  a: usize, packed: usize, c: usize, n: i32, k: i32, alpha: f32, accumulateC: bool,
  m0: i32, m1: i32, scratch: usize, b: usize, transB: bool, kLo: i32, kHi: i32,
): void {
  const kStep = sliceDepth(kHi - kLo);
  // packed == 0: pack here, the whole operand when it fits OWN_PACK_FLOATS, else one k slice at
  // a time into SLICE_PACK_FLOATS, each slice packed just before the rows sweep it.
  let packSlices = false;
  if (packed == 0) {
    if (sparseOwnPack(n, k)) {
      packed = scratchOwnPack(scratch);
      packSlivers(b, n, k, transB, 0, (n + SW - 1) / SW, packed);
    } else {
      if (!sparseSlicePack(n, kHi - kLo)) unreachable();
      packSlices = true;
    }
  }
  const values = scratch, offsets = csrOffsets(scratch), rowStart = csrRowStart(scratch), tile = scratchTile(scratch);
  // k slices outside, row blocks inside: every row block of the chunk sweeps one k slice of the
  // packed operand (kc·n floats, 400 KB for W1's 784 columns) while it is still in L2, instead
  // of each row block reading the whole packed operand (1.6 MB) back from memory. Each element
  // of C still adds the k slices in the same order, so results do not depend on the split.
  for (let p0 = kLo; p0 < kHi; p0 += kStep) {
    const kc = min(kStep, kHi - p0);
    let slice = packed + <usize>p0 * <usize>SLIVER_ROW_BYTES;
    let sliverStride = <usize>k * <usize>SLIVER_ROW_BYTES;
    if (packSlices) {
      slice = scratchPackArea(scratch);
      packBSlivers(b, n, k, transB, 0, n, p0, kc, slice);
      sliverStride = <usize>kc * <usize>SLIVER_ROW_BYTES;
    }
    for (let i0 = m0; i0 < m1; i0 += SMC) {
      const mc = min(SMC, m1 - i0);
      const cp = c + ((<usize>i0 * <usize>n) << 2);
      buildRowsCsr(a, k, alpha, i0, mc, p0, kc, values, offsets, rowStart);
      sparseSweep(values, offsets, rowStart, mc, n, slice, sliverStride, cp, n, p0 > kLo || accumulateC, tile);
    }
  }
}

/**
 * C[0..m, j0..j1] = alpha · op(A) · B with B stored [k, n] mostly zeros and k ≤ SPARSE_T_MAX_K,
 * computed as the transpose of Bᵀ · op(A)ᵀ: row j of Bᵀ (column j of B) is compressed and swept
 * against `packed` = op(A)ᵀ [k, m] in slivers, and written to column j of C. This serves weight
 * gradients dW = dYᵀ · X of a layer whose input X is mostly zeros. Threads split j.
 */
export function gemmSparseB(
  b: usize, packed: usize, c: usize, m: i32, n: i32, k: i32, alpha: f32,
  j0: i32, j1: i32, scratch: usize, a: usize, aStoredMk: bool,
): void {
  // As in gemmSparseA: `packed` 0 means pack op(A)ᵀ here (A read transposed when stored [m, k]).
  if (packed == 0) {
    if (!sparseOwnPackB(m, k)) unreachable();
    packed = scratchPackArea(scratch) + (<usize>SMC << 2);
    packSlivers(a, m, k, aStoredMk, 0, (m + SW - 1) / SW, packed);
  }
  // Row r of a block's compressed columns fills entries [r·k, ends[r]); the own pack follows the ends.
  const values = scratch, offsets = csrOffsets(scratch);
  const tile = scratchTile(scratch), ends = scratchPackArea(scratch);
  const sliverStride = <usize>k * <usize>SLIVER_ROW_BYTES;
  for (let i0 = j0; i0 < j1; i0 += SMC) {
    const mc = min(SMC, j1 - i0);
    compressColumns(b, n, i0, mc, k, alpha, values, offsets, ends);
    sparseSweepT(values, offsets, k, ends, mc, m, packed, sliverStride, c + (<usize>i0 << 2), n, tile);
  }
}

/**
 * Compresses alpha·B[0..k, i0..i0+mc] column by column (B stored [k, ldb]), as buildRowsCsr does
 * rows: column r's entries go to [r·k, ends[r]) of `values`/`offsets`. Four
 * columns at a time: a 4×4 block of B is transposed in registers and each of its columns
 * left-packed onto its own cursor, so B's columns are read once and never copied out as rows.
 * A store reaches at most three entries past a cursor, which stays within its column's k entries.
 */
function compressColumns(
  b: usize, ldb: i32, i0: i32, mc: i32, k: i32, alpha: f32,
  values: usize, offsets: usize, ends: usize,
): void {
  const scale = f32x4.splat(alpha);
  const srcRow = <usize>ldb << 2;
  let r = 0;
  for (; r + 4 <= mc; r += 4) {
    let e0 = <usize>(r * k), e1 = e0 + <usize>k, e2 = e1 + <usize>k, e3 = e2 + <usize>k;
    let at = firstGroupOffsets();
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const src = b + ((<usize>p * <usize>ldb + <usize>(i0 + r)) << 2);
      const r0 = v128.load(src), r1 = v128.load(src + srcRow), r2 = v128.load(src + 2 * srcRow), r3 = v128.load(src + 3 * srcRow);
      const lo01 = interleaveLo(r0, r1), lo23 = interleaveLo(r2, r3);
      const hi01 = interleaveHi(r0, r1), hi23 = interleaveHi(r2, r3);
      e0 = appendNonZeros(lowPairs(lo01, lo23), scale, at, values, offsets, e0);
      e1 = appendNonZeros(highPairs(lo01, lo23), scale, at, values, offsets, e1);
      e2 = appendNonZeros(lowPairs(hi01, hi23), scale, at, values, offsets, e2);
      e3 = appendNonZeros(highPairs(hi01, hi23), scale, at, values, offsets, e3);
      at = i32x4.add(at, groupOffsetStep());
    }
    for (; p < k; p++) {
      const src = b + ((<usize>p * <usize>ldb + <usize>(i0 + r)) << 2);
      e0 = appendOne(load<f32>(src), alpha, p * SLIVER_ROW_BYTES, values, offsets, e0);
      e1 = appendOne(load<f32>(src, 4), alpha, p * SLIVER_ROW_BYTES, values, offsets, e1);
      e2 = appendOne(load<f32>(src, 8), alpha, p * SLIVER_ROW_BYTES, values, offsets, e2);
      e3 = appendOne(load<f32>(src, 12), alpha, p * SLIVER_ROW_BYTES, values, offsets, e3);
    }
    storeEntries(ends, r, e0, e1, e2, e3);
  }
  for (; r < mc; r++) {
    let e = <usize>(r * k);
    for (let p = 0; p < k; p++) {
      e = appendOne(load<f32>(b + ((<usize>p * <usize>ldb + <usize>(i0 + r)) << 2)), alpha, p * SLIVER_ROW_BYTES, values, offsets, e);
    }
    store<i32>(ends + (<usize>r << 2), <i32>e);
  }
}

// Entry indices of four consecutive rows, stored at rows r..r+3 of `to`.
// @ts-ignore: decorator
@inline
function storeEntries(to: usize, r: i32, e0: usize, e1: usize, e2: usize, e3: usize): void {
  v128.store(to + (<usize>r << 2), i32x4(<i32>e0, <i32>e1, <i32>e2, <i32>e3));
}

/**
 * Appends the non-zero lanes of `v` (times `scale`) and their offsets (lanes of `at`) at entry
 * `e`, packed to the front by the shuffle their mask looks up; returns the entry after them.
 */
// @ts-ignore: decorator
@inline
function appendNonZeros(v: v128, scale: v128, at: v128, values: usize, offsets: usize, e: usize): usize {
  const mask = i32x4.bitmask(f32x4.ne(v, f32x4.splat(0)));
  const shuffle = v128.load(LEFT_PACK + (<usize>mask << 4));
  v128.store(values + (e << 2), leftPack(f32x4.mul(v, scale), shuffle));
  v128.store(offsets + (e << 2), leftPack(at, shuffle));
  return e + <usize>popcnt<i32>(mask);
}

/**
 * `v`'s bytes picked by a LEFT_PACK row. With relaxed SIMD this is relaxed_swizzle, a single
 * pshufb on x64, where swizzle also adds a saturating bias so that every index past 15 gives 0.
 * The two agree on every lane that is read: indices 0–15 pick the same bytes, and the 0x80 lanes
 * (zero on x64 and Arm either way) lie past the cursor, where the next append writes or nothing
 * reads.
 */
// @ts-ignore: decorator
@inline
function leftPack(v: v128, shuffle: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i8x16.relaxed_swizzle(v, shuffle);
  return i8x16.swizzle(v, shuffle);
}

// Appends x·alpha at entry e (always written, kept when x is not zero); returns the next entry.
// @ts-ignore: decorator
@inline
function appendOne(x: f32, alpha: f32, offset: i32, values: usize, offsets: usize, e: usize): usize {
  store<f32>(values + (e << 2), x * alpha);
  store<i32>(offsets + (e << 2), offset);
  return e + <usize>(x != 0);
}

/**
 * Packs op(B)[p0..p0+kc, j0..j0+nc] into SW-wide slivers dst[s][p][c] (zero padding to SW).
 * `dst` needs kc · ⌈nc/SW⌉·SW floats.
 */
function packBSlivers(
  b: usize, n: i32, k: i32, transB: bool,
  j0: i32, nc: i32, p0: i32, kc: i32, dst: usize,
): void {
  const rowBytes = <usize>SLIVER_ROW_BYTES;
  for (let s = 0; s < nc; s += SW) {
    const cols = min(SW, nc - s);
    const base = dst + (<usize>(s * kc) << 2);
    if (!transB) {
      // B stored [k, n]: a sliver row is a contiguous run of one row of B.
      let src = b + ((<usize>p0 * <usize>n + <usize>(j0 + s)) << 2);
      const stride = <usize>n << 2;
      for (let p = 0; p < kc; p++) {
        const d = base + <usize>p * rowBytes;
        if (cols == SW) {
          for (let o: usize = 0; o < rowBytes; o += 16) v128.store(d + o, v128.load(src + o));
        } else {
          for (let c = 0; c < SW; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
        }
        src += stride;
      }
      continue;
    }
    // B stored [n, k]: four columns of op(B) are four contiguous runs; transpose 4×4 blocks.
    const stride = <usize>k << 2;
    for (let c4 = 0; c4 < SW; c4 += 4) {
      const s0 = b + ((<usize>(j0 + s + c4) * <usize>k + <usize>p0) << 2);
      const d0 = base + (<usize>c4 << 2);
      let p = 0;
      if (c4 + 4 <= cols) {
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          storeT4Copy(
            v128.load(s0 + o), v128.load(s0 + stride + o),
            v128.load(s0 + 2 * stride + o), v128.load(s0 + 3 * stride + o),
            d0 + <usize>p * rowBytes, rowBytes,
          );
        }
      }
      for (; p < kc; p++) {
        const d = d0 + <usize>p * rowBytes;
        for (let c = 0; c < 4; c++) {
          store<f32>(d + (<usize>c << 2), c4 + c < cols ? load<f32>(s0 + <usize>c * stride + (<usize>p << 2)) : 0);
        }
      }
    }
  }
}

/**
 * Byte shuffles that move the lanes set in a 4-bit mask to the front of a vector, in order (the
 * rest zero): row `mask` of 16 bytes, for i8x16.swizzle.
 */
const LEFT_PACK = memory.data<u8>([
  0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80,
  0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
], 16);

/**
 * Compresses alpha·A[i0..i0+mc, p0..p0+kc] row by row: `values` (f32) and `offsets` (i32, the
 * byte offset p·SW·4 of the entry's row in a sliver) from `rowStart[r]` to `rowStart[r + 1]`.
 * Four entries at a time without branches: the non-zeros' lanes are packed to the front of the
 * values and offsets vectors (a shuffle looked up by their mask), both vectors are stored whole
 * and the cursor moves past the non-zeros only. A store reaches at most three entries past the
 * cursor, which stays at or behind the elements read, so it never passes mc·kc entries. Against
 * the former scalar appends behind a skip of all-zero groups (a branch that mispredicts at such
 * densities), W2's convolution product 64×288·288×6272 on its mostly-zero columns at a third
 * non-zeros went from 5.5 to 3.2 ms a call (dense: 4.6; Zen 5, Node 24, 1 thread); only all-zero
 * columns got slower (1.2 → 1.5 ms).
 */
function buildRowsCsr(
  a: usize, k: i32, alpha: f32, i0: i32, mc: i32, p0: i32, kc: i32,
  values: usize, offsets: usize, rowStart: usize,
): void {
  const scale = f32x4.splat(alpha);
  let e: usize = 0;
  for (let r = 0; r < mc; r++) {
    store<i32>(rowStart + (<usize>r << 2), <i32>e);
    const row = a + ((<usize>(i0 + r) * <usize>k + <usize>p0) << 2);
    let at = firstGroupOffsets();
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      e = appendNonZeros(v128.load(row + (<usize>p << 2)), scale, at, values, offsets, e);
      at = i32x4.add(at, groupOffsetStep());
    }
    for (; p < kc; p++) e = appendOne(load<f32>(row + (<usize>p << 2)), alpha, p * SLIVER_ROW_BYTES, values, offsets, e);
  }
  store<i32>(rowStart + (<usize>mc << 2), <i32>e);
}

/**
 * One compressed row (entries [e, end), byte offsets into `values`/`offsets`) times one sliver:
 * the row's SW results are stored at `out` (added to what `out` holds when `accumulate`). Eight
 * accumulators, one non-zero per step: a broadcast, an offset and eight loads feed eight
 * multiply-adds, so a step's eight FMAs on the two FMA pipes take as long as one accumulator's
 * FMA latency (4 cycles on Zen 4), and the loop uses 10 of x64's 16 vector registers with no
 * spills (V8 emits each load next to its FMA). Measured on W1's shapes: 37–40 GFLOPS of real
 * work against 31–33 for the former 16-wide sliver with four accumulators and two non-zeros per
 * step (mul, FMA, add); the same two-per-step form with eight accumulators ran at 33–35.
 */
// @ts-ignore: decorator
@inline
function rowTimesSliver(
  values: usize, offsets: usize, e: usize, end: usize, sliver: usize, out: usize, accumulate: bool,
): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  if (accumulate) {
    a0 = v128.load(out);
    a1 = v128.load(out, 16);
    a2 = v128.load(out, 32);
    a3 = v128.load(out, 48);
    if (SW == 32) {
      a4 = v128.load(out, 64);
      a5 = v128.load(out, 80);
      a6 = v128.load(out, 96);
      a7 = v128.load(out, 112);
    }
  }
  if (SW == 32) {
    for (; e < end; e += 4) {
      const av = v128.load32_splat(values + e);
      const bp = sliver + <usize>load<i32>(offsets + e);
      a0 = madd(av, v128.load(bp), a0);
      a1 = madd(av, v128.load(bp, 16), a1);
      a2 = madd(av, v128.load(bp, 32), a2);
      a3 = madd(av, v128.load(bp, 48), a3);
      a4 = madd(av, v128.load(bp, 64), a4);
      a5 = madd(av, v128.load(bp, 80), a5);
      a6 = madd(av, v128.load(bp, 96), a6);
      a7 = madd(av, v128.load(bp, 112), a7);
    }
  } else {
    // 16 wide: four accumulators, two non-zeros per step summed before they reach the
    // accumulator, so that its dependency chain grows by one add per step, not two.
    for (; e + 4 < end; e += 8) {
      const av = v128.load32_splat(values + e);
      const bv = v128.load32_splat(values + e, 4);
      const bp = sliver + <usize>load<i32>(offsets + e);
      const bq = sliver + <usize>load<i32>(offsets + e, 4);
      a0 = f32x4.add(a0, madd(av, v128.load(bp), f32x4.mul(bv, v128.load(bq))));
      a1 = f32x4.add(a1, madd(av, v128.load(bp, 16), f32x4.mul(bv, v128.load(bq, 16))));
      a2 = f32x4.add(a2, madd(av, v128.load(bp, 32), f32x4.mul(bv, v128.load(bq, 32))));
      a3 = f32x4.add(a3, madd(av, v128.load(bp, 48), f32x4.mul(bv, v128.load(bq, 48))));
    }
    if (e < end) {
      const av = v128.load32_splat(values + e);
      const bp = sliver + <usize>load<i32>(offsets + e);
      a0 = madd(av, v128.load(bp), a0);
      a1 = madd(av, v128.load(bp, 16), a1);
      a2 = madd(av, v128.load(bp, 32), a2);
      a3 = madd(av, v128.load(bp, 48), a3);
    }
  }
  v128.store(out, a0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
  if (SW == 32) {
    v128.store(out, a4, 64);
    v128.store(out, a5, 80);
    v128.store(out, a6, 96);
    v128.store(out, a7, 112);
  }
}

// Byte offsets of compressed row r's entries: [rowEntry(r), rowEntry(r + 1)).
// @ts-ignore: decorator
@inline
function rowEntry(rowStart: usize, r: i32): usize {
  return <usize>load<i32>(rowStart + (<usize>r << 2)) << 2;
}

/**
 * C[0..mc, 0..nc] (+)= compressed rows × packed slivers (the first at pb, the next sliverStride
 * bytes on), C at `c` with row length ldc floats. Only the nc valid columns are written; `tile`
 * holds SW floats for a ragged last sliver or an accumulated row.
 */
function sparseSweep(
  values: usize, offsets: usize, rowStart: usize, mc: i32, nc: i32,
  pb: usize, sliverStride: usize, c: usize, ldc: i32, accumulate: bool, tile: usize,
): void {
  const rowBytes = <usize>ldc << 2;
  let sliver = pb;
  for (let s = 0; s < nc; s += SW) {
    const cols = min(SW, nc - s);
    // Full slivers accumulate in C itself (loaded into the accumulators); a ragged one goes through `tile`.
    const direct = cols == SW;
    let cRow = c + (<usize>s << 2);
    for (let r = 0; r < mc; r++) {
      rowTimesSliver(values, offsets, rowEntry(rowStart, r), rowEntry(rowStart, r + 1), sliver, direct ? cRow : tile, direct && accumulate);
      if (!direct) {
        for (let j = 0; j < cols; j++) {
          const o = <usize>j << 2;
          const v = load<f32>(tile + o);
          store<f32>(cRow + o, accumulate ? load<f32>(cRow + o) + v : v);
        }
      }
      cRow += rowBytes;
    }
    sliver += sliverStride;
  }
}

/**
 * The transpose of sparseSweep without accumulation, over rows compressed by compressColumns
 * (row r's entries are [r·rowLength, ends[r])): result row r, column j goes to C[j, r] (C at
 * `c`, rows ldc floats long). Four rows are computed into `tile` (4·SW floats) and written out as
 * 4×4 transposed blocks, so C is written a vector at a time.
 */
function sparseSweepT(
  values: usize, offsets: usize, rowLength: i32, ends: usize, mc: i32, nc: i32,
  pb: usize, sliverStride: usize, c: usize, ldc: i32, tile: usize,
): void {
  const rowBytes = <usize>ldc << 2;
  const tileRow = <usize>SLIVER_ROW_BYTES;
  let sliver = pb;
  for (let s = 0; s < nc; s += SW) {
    const cols = min(SW, nc - s);
    for (let r = 0; r < mc; r += 4) {
      const rows = min(4, mc - r);
      for (let q = 0; q < rows; q++) {
        const start = <usize>((r + q) * rowLength) << 2;
        rowTimesSliver(values, offsets, start, rowEntry(ends, r + q), sliver, tile + <usize>q * tileRow, false);
      }
      // C[s + j, r .. r + 4) for the sliver's columns j.
      const d = c + <usize>s * rowBytes + (<usize>r << 2);
      if (rows == 4 && cols == SW) {
        for (let g: usize = 0; g < tileRow; g += 16) {
          storeT4Copy(
            v128.load(tile + g), v128.load(tile + tileRow + g),
            v128.load(tile + 2 * tileRow + g), v128.load(tile + 3 * tileRow + g),
            d + (g >> 2) * rowBytes, rowBytes,
          );
        }
      } else {
        for (let j = 0; j < cols; j++) {
          for (let q = 0; q < rows; q++) {
            store<f32>(d + <usize>j * rowBytes + (<usize>q << 2), load<f32>(tile + <usize>q * tileRow + (<usize>j << 2)));
          }
        }
      }
    }
    sliver += sliverStride;
  }
}
