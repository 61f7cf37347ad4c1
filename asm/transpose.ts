/**
 * The lane shuffles of 4×4 transposes and lane interleaves, named once for the packing routines,
 * the sparse paths' column compression and the stride-2 convolution kernels. A transpose is two
 * rounds: interleave the halves of row pairs (0,1) and (2,3), then take matching lane pairs of the
 * results, as storeT4 does below.
 */

// Lanes 0 and 1 of a and b, interleaved: a0 b0 a1 b1.
// @ts-ignore: decorator
@inline
export function interleaveLo(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 4, 1, 5);
}

// Lanes 2 and 3 of a and b, interleaved: a2 b2 a3 b3.
// @ts-ignore: decorator
@inline
export function interleaveHi(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 2, 6, 3, 7);
}

// The low lane pairs of a and b: a0 a1 b0 b1.
// @ts-ignore: decorator
@inline
export function lowPairs(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 1, 4, 5);
}

// The high lane pairs of a and b: a2 a3 b2 b3.
// @ts-ignore: decorator
@inline
export function highPairs(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 2, 3, 6, 7);
}

// Stores the transpose of four 4-float rows (each scaled by s) at d, d+step, d+2·step, d+3·step.
// @ts-ignore: decorator
@inline
export function storeT4(r0: v128, r1: v128, r2: v128, r3: v128, s: v128, d: usize, step: usize): void {
  const lo01 = interleaveLo(r0, r1), lo23 = interleaveLo(r2, r3);
  const hi01 = interleaveHi(r0, r1), hi23 = interleaveHi(r2, r3);
  v128.store(d, f32x4.mul(lowPairs(lo01, lo23), s));
  v128.store(d + step, f32x4.mul(highPairs(lo01, lo23), s));
  v128.store(d + 2 * step, f32x4.mul(lowPairs(hi01, hi23), s));
  v128.store(d + 3 * step, f32x4.mul(highPairs(hi01, hi23), s));
}

// Stores the transpose of four 4-float rows as they are (no scaling: a packing copy, where a
// multiply by one per vector would cost as much as the shuffles).
// @ts-ignore: decorator
@inline
export function storeT4Copy(r0: v128, r1: v128, r2: v128, r3: v128, d: usize, step: usize): void {
  const lo01 = interleaveLo(r0, r1), lo23 = interleaveLo(r2, r3);
  const hi01 = interleaveHi(r0, r1), hi23 = interleaveHi(r2, r3);
  v128.store(d, lowPairs(lo01, lo23));
  v128.store(d + step, highPairs(lo01, lo23));
  v128.store(d + 2 * step, lowPairs(hi01, hi23));
  v128.store(d + 3 * step, highPairs(hi01, hi23));
}
