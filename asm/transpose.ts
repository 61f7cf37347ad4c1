/** 4×4 transposes shared by the packing routines. */

// Stores the transpose of four 4-float rows (each scaled by s) at d, d+step, d+2·step, d+3·step.
// @ts-ignore: decorator
@inline
export function storeT4(r0: v128, r1: v128, r2: v128, r3: v128, s: v128, d: usize, step: usize): void {
  const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, f32x4.mul(v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5), s));
  v128.store(d + step, f32x4.mul(v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7), s));
  v128.store(d + 2 * step, f32x4.mul(v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), s));
  v128.store(d + 3 * step, f32x4.mul(v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), s));
}

// Stores the transpose of four 4-float rows as they are (no scaling: a packing copy, where a
// multiply by one per vector would cost as much as the shuffles).
// @ts-ignore: decorator
@inline
export function storeT4Copy(r0: v128, r1: v128, r2: v128, r3: v128, d: usize, step: usize): void {
  const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
  v128.store(d + step, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
  v128.store(d + 2 * step, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
  v128.store(d + 3 * step, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
}
