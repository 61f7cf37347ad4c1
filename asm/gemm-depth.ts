/**
 * Depth-split GEMM: products whose depth k dwarfs C (W2's dense layers, 128×3136·3136×32, and
 * its deep convolution's weight gradient, 64×6272·6272×288ᵀ), on the dense path and on the
 * mostly-zero-A path (gemm-sparse.ts).
 *
 * Split by rows or columns of C, every chunk of such a product packs the whole of the shared
 * operand again (the 3136×32 weight, or all 64×6272 of the output gradient), as much copying per
 * chunk as one thread does alone. Split by depth instead, chunk g computes the product over its
 * own range of k and packs only its own slices of both operands: group 0 into C (with beta),
 * group g ≥ 1 into partial buffer g − 1; `addPartials` then adds the partials to C in group
 * order.
 *
 * Invariants: the number of groups and their ranges depend on the shape only (never on the
 * thread count), and each C value is summed in one fixed order, so any thread count gives the
 * same bits. Partial buffers are m·n floats each, back to back.
 */

import { gemmPacked, scaleC } from './gemm';
import { gemmSparseA, sparseOwnPack, sparseSlicePack } from './gemm-sparse';

/**
 * Chunk `group` of `groups`: C or partial buffer `group − 1` = alpha · op(A)[:, range] ·
 * op(B)[range, :], depth ranges cut in multiples of 4. Group 0 keeps beta · C (beta ≠ 0).
 */
export function gemmDepthGroup(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, alpha: f32, beta: f32,
  partials: usize, group: i32, groups: i32, scratch: usize,
): void {
  const kLo = depthGroupStart(k, group, groups), kHi = depthGroupStart(k, group + 1, groups);
  const target = groupTarget(c, m, n, beta, partials, group, kHi > kLo);
  if (target != 0) gemmPacked(a, b, target, m, n, k, transA, transB, alpha, group == 0 && beta != 0, 0, m, 0, n, kLo, kHi, scratch);
}

/**
 * gemmDepthGroup on the mostly-zero-A path (A stored [m, k]): the group compresses its depth
 * range of every row of A and packs only its slices of op(B) (B [k, n], or [n, k] when transB),
 * where split over rows every chunk would pack all of op(B). W2's deep weight gradient
 * 64×6272·6272×288ᵀ with a ReLU-masked output gradient takes it.
 */
export function gemmSparseDepthGroup(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transB: bool, alpha: f32, beta: f32,
  partials: usize, group: i32, groups: i32, scratch: usize,
): void {
  const kLo = depthGroupStart(k, group, groups), kHi = depthGroupStart(k, group + 1, groups);
  const target = groupTarget(c, m, n, beta, partials, group, kHi > kLo);
  if (target != 0) gemmSparseA(a, 0, target, n, k, alpha, group == 0 && beta != 0, 0, m, scratch, b, transB, kLo, kHi);
}

/**
 * Where a group writes (C for group 0, else its partial buffer), with C already scaled by beta
 * when it is neither 0 nor 1; 0 when the group's depth range is empty, after giving its partial
 * buffer zeros (or C its scaling) as the sum still adds them.
 */
function groupTarget(c: usize, m: i32, n: i32, beta: f32, partials: usize, group: i32, nonEmpty: bool): usize {
  const target = group == 0 ? c : partials + ((<usize>(group - 1) * <usize>m * <usize>n) << 2);
  if (group == 0 && beta != 0 && beta != 1) scaleC(c, n, 0, m, 0, n, beta);
  if (nonEmpty) return target;
  if (group != 0 || beta == 0) memory.fill(target, 0, (<usize>m * <usize>n) << 2);
  return 0;
}

/**
 * Whether a depth split of the mostly-zero-A path (gemmSparseDepthGroup) into `groups` groups of
 * k can pack each group's slices into the scratch, as gemmSparseA does for a whole product. Every group
 * is checked: a shorter last group is cut into slices of its own depth, which can be deeper than
 * the full groups' (k = 4100 in 4 groups: 1028-deep groups in 9 slices of 115, a last group of
 * 1016 in 8 slices of 127).
 */
export function sparseDepthSplitFits(columns: i32, k: i32, groups: i32): bool {
  if (sparseOwnPack(columns, k)) return false;
  for (let g = 0; g < groups; g++) {
    const kLo = depthGroupStart(k, g, groups), kHi = depthGroupStart(k, g + 1, groups);
    if (kHi > kLo && !sparseSlicePack(columns, kHi - kLo)) return false;
  }
  return true;
}

/**
 * Where group `group` of a depth split into `groups` groups starts in depth k (k for a group past
 * the end): groups are a multiple of 4 deep, the last may be shorter.
 */
function depthGroupStart(k: i32, group: i32, groups: i32): i32 {
  return min(k, group * (((k + groups - 1) / groups + 3) & ~3));
}

/** C[e0..e1) += partial 0 + partial 1 + … (in that order), each partial `size` floats apart. */
export function addPartials(c: usize, partials: usize, count: i32, size: i32, e0: i32, e1: i32): void {
  const stride = <usize>size << 2;
  let e = e0;
  for (; e + 4 <= e1; e += 4) {
    const o = <usize>e << 2;
    let v = v128.load(c + o);
    let p = partials + o;
    for (let g = 0; g < count; g++) {
      v = f32x4.add(v, v128.load(p));
      p += stride;
    }
    v128.store(c + o, v);
  }
  for (; e < e1; e++) {
    const o = <usize>e << 2;
    let v = load<f32>(c + o);
    let p = partials + o;
    for (let g = 0; g < count; g++) {
      v += load<f32>(p);
      p += stride;
    }
    store<f32>(c + o, v);
  }
}
