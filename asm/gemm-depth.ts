/**
 * Depth-split GEMM: products whose depth k dwarfs C (W2's dense layers, 128×3136·3136×32, and
 * its deep convolution's weight gradient, 64×6272·6272×288ᵀ).
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

/**
 * Chunk `group` of `groups`: C or partial buffer `group − 1` = alpha · op(A)[:, range] ·
 * op(B)[range, :], depth ranges cut in multiples of 4. Group 0 keeps beta · C (beta ≠ 0).
 */
export function gemmDepthGroup(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, alpha: f32, beta: f32,
  partials: usize, group: i32, groups: i32, scratch: usize,
): void {
  const per = ((k + groups - 1) / groups + 3) & ~3;
  const kLo = min(k, group * per);
  const kHi = min(k, kLo + per);
  const target = group == 0 ? c : partials + ((<usize>(group - 1) * <usize>m * <usize>n) << 2);
  if (kHi <= kLo) {
    // An empty range still owes its partial buffer zeros (or C its scaling).
    if (group == 0) {
      if (beta == 0) memory.fill(c, 0, (<usize>m * <usize>n) << 2);
      else if (beta != 1) scaleC(c, n, 0, m, 0, n, beta);
    } else {
      memory.fill(target, 0, (<usize>m * <usize>n) << 2);
    }
    return;
  }
  const accumulate = group == 0 && beta != 0;
  if (group == 0 && beta != 0 && beta != 1) scaleC(c, n, 0, m, 0, n, beta);
  gemmPacked(a, b, target, m, n, k, transA, transB, alpha, accumulate, 0, m, 0, n, kLo, kHi, scratch);
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
