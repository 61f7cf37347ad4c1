/**
 * Multiply-add for every kernel: one fused instruction (relaxed SIMD's f32x4.relaxed_madd) in the
 * module built with `--enable relaxed-simd`, a multiply then an add in the plain SIMD module.
 *
 * The choice is made at compile time (ASC_FEATURE_RELAXED_SIMD), so each module has one fixed
 * sequence of float operations per value: results may differ between the two modules in the last
 * bits, never between runs or thread counts of one module on one host.
 */

/** a·b + c per lane (fused, one rounding, where the module has relaxed SIMD). */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** c − a·b per lane (fused, one rounding, where the module has relaxed SIMD). */
// @ts-ignore: decorator
@inline
export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}
