/**
 * Vectorised float32 transcendental functions over f32x4 lanes (Cephes-style polynomials).
 *
 * Accuracy: a few ulp over the whole float range, including the special values the reference
 * backend produces through Math.* (±Infinity, NaN, denormal results of exp). These feed every
 * activation, so they must agree with float64 maths rounded to float32 to ~1e-6 relative.
 *
 * Speed: each function is one long chain of dependent instructions (~50 for vexp), so a loop over
 * them is bound by latency, not by instruction count. Polynomials therefore use Estrin's scheme
 * (independent term pairs, then powers of x) rather than Horner's rule, and the loops that call
 * these process four independent vectors per pass so the CPU can overlap their chains.
 */

import { madd, nmadd } from './fma';

// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in a short head (exact products with small integers) and a tail.
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;

// @ts-ignore: decorator
@inline
function poly(x: v128, c: f32, acc: v128): v128 {
  return madd(acc, x, f32x4.splat(c));
}

/** c0 + c1·x per lane: one term pair of an Estrin-scheme polynomial. */
// @ts-ignore: decorator
@inline
function pair(x: v128, c0: f32, c1: f32): v128 {
  return madd(x, f32x4.splat(c1), f32x4.splat(c0));
}

/** e^x per lane; overflows to +Infinity, underflows through denormals to 0, NaN stays NaN. */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  // Keeps n in [-150, 129]; beyond, the result is 0 or Infinity anyway. pmin/pmax (one
  // instruction each on x86, unlike min/max) keep a NaN x because x is their first operand.
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104.0)), f32x4.splat(89.0));
  // Round x·log2(e) to the nearest integer by adding 1.5·2^23: the sum's low mantissa bits then
  // hold n (ties to even, like f32x4.nearest), so n needs no separate float-to-int conversion.
  const shifted = madd(xc, f32x4.splat(LOG2E), f32x4.splat(12582912.0));
  const nf = f32x4.sub(shifted, f32x4.splat(12582912.0));
  const r = nmadd(nf, f32x4.splat(LN2_LO), nmadd(nf, f32x4.splat(LN2_HI), xc));
  // e^r = 1 + r + r²·P(r); Estrin's scheme halves the latency of Horner's rule (file header).
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const p01 = pair(r, 5.0000001201e-1, 1.6666665459e-1);
  const p23 = pair(r, 4.1665795894e-2, 8.3334519073e-3);
  const p45 = pair(r, 1.3981999507e-3, 1.9875691500e-4);
  const p = madd(p45, r4, madd(p23, r2, p01));
  const er = f32x4.add(madd(p, r2, r), f32x4.splat(1));
  // Scale by 2^n in two halves so denormal results round once and 2^128 overflows cleanly.
  // The bits of `shifted` are M + n with M = 0x4b400000, a multiple of 2^10, and shl 23 keeps
  // only the low 9 bits: s1 = 2^(n>>1) and s2 = 2^(n - (n>>1)) come without isolating n.
  const h = i32x4.shr_s(shifted, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(h, bias), 23);
  const s2 = i32x4.shl(i32x4.sub(i32x4.add(shifted, bias), h), 23);
  return f32x4.mul(f32x4.mul(er, s1), s2);
}

/**
 * P(m) of the Cephes logf approximation log(1 + m) ≈ m - m²/2 + m³·P(m), |m| < 0.415, by
 * Estrin's scheme (z = m²).
 */
// @ts-ignore: decorator
@inline
function logPoly(m: v128, z: v128): v128 {
  const z2 = f32x4.mul(z, z);
  const z4 = f32x4.mul(z2, z2);
  const q01 = pair(m, 3.3333331174e-1, -2.4999993993e-1);
  const q23 = pair(m, 2.0000714765e-1, -1.6668057665e-1);
  const q45 = pair(m, 1.4249322787e-1, -1.2420140846e-1);
  const q67 = pair(m, 1.1676998740e-1, -1.1514610310e-1);
  const lo = madd(q23, z, q01);
  const hi = madd(q67, z, q45);
  return madd(f32x4.splat(7.0376836292e-2), z4, madd(hi, z2, lo));
}

/** e·ln 2 + log(1 + m) from P(m) (see logPoly), summed smallest terms first. */
// @ts-ignore: decorator
@inline
function logTail(m: v128, z: v128, p: v128, ef: v128): v128 {
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(ef, f32x4.splat(LN2_HI)));
}

/** Natural log per lane; log(0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity. */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  // Denormals: scale into the normal range first and correct the exponent.
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  // m in [0.5, 1): fold to [sqrt(1/2), sqrt(2)) - 1.
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, small); // true lanes are -1
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  const y = logPoly(m, z);
  let r = logTail(m, z, y, ef);
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x, f32x4.splat(Infinity)));
  // x < 0 or NaN: (x >= 0) is false.
  return v128.bitselect(r, f32x4.splat(NaN), f32x4.ge(x, f32x4.splat(0)));
}

/**
 * log(1 + u) per lane for u in [0, 1] (NaN stays NaN), the range of e^-|x| in softplus and the
 * logistic loss. Writes 1 + u = 2^e·(1 + f) with e in {0, 1} and f = u or u/2 - 1/2, so 1 + u
 * is never rounded and no division corrects it (unlike log1p via log(1 + u)·u / ((1 + u) - 1)).
 * u/2 - 1/2 is exact for u ≥ 1/2 and off by at most 2^-26 below, which keeps the result within
 * about 1.7 ulp of log1p.
 */
// @ts-ignore: decorator
@inline
export function vlog1pUnit(u: v128): v128 {
  const half = f32x4.splat(0.5);
  const big = f32x4.ge(u, f32x4.splat(0.414213562373095049)); // 1 + u ≥ √2: take e = 1
  const f = v128.bitselect(f32x4.sub(f32x4.mul(u, half), half), u, big);
  const z = f32x4.mul(f, f);
  // e·ln 2 is a mask of the constant (e is 0 or 1): no convert and multiply as in vlog.
  let y = f32x4.mul(f32x4.mul(logPoly(f, z), f), z);
  y = f32x4.add(y, v128.and(big, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, half));
  return f32x4.add(f32x4.add(f, y), v128.and(big, f32x4.splat(LN2_HI)));
}

/** e^x - 1 per lane, accurate near 0 (Taylor series for |x| < 0.5). */
// @ts-ignore: decorator
@inline
export function vexpm1(x: v128): v128 {
  let p = f32x4.splat(1.0 / 40320.0);
  p = poly(x, 1.0 / 5040.0, p);
  p = poly(x, 1.0 / 720.0, p);
  p = poly(x, 1.0 / 120.0, p);
  p = poly(x, 1.0 / 24.0, p);
  p = poly(x, 1.0 / 6.0, p);
  p = poly(x, 0.5, p);
  p = poly(x, 1.0, p);
  const series = f32x4.mul(p, x);
  const direct = f32x4.sub(vexp(x), f32x4.splat(1));
  return v128.bitselect(series, direct, f32x4.lt(f32x4.abs(x), f32x4.splat(0.5)));
}

/** tanh per lane (odd polynomial near 0, 1 - 2/(e^{2|x|} + 1) elsewhere). */
// @ts-ignore: decorator
@inline
export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = poly(z, 2.06390887954e-2, p);
  p = poly(z, -5.37397155531e-2, p);
  p = poly(z, 1.33314422036e-1, p);
  p = poly(z, -3.33332819422e-1, p);
  const near = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = vexp(f32x4.add(ax, ax));
  const far = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  // Restore the sign of x on the far branch.
  const signed = v128.or(far, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(near, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** 1 / (1 + e^-x) per lane. */
// @ts-ignore: decorator
@inline
export function vsigmoid(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vexp(f32x4.neg(x))));
}

/** max(x, 0) + log(1 + e^-|x|) per lane. */
// @ts-ignore: decorator
@inline
export function vsoftplus(x: v128): v128 {
  // pmax(0, x) is one instruction; a NaN x gives 0 there, but the log term is NaN anyway.
  // Setting the sign bit is -|x| in one instruction.
  return f32x4.add(f32x4.pmax(f32x4.splat(0), x), vlog1pUnit(vexp(v128.or(x, i32x4.splat(0x80000000)))));
}
