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
 *
 * Constants: every vector constant is loaded from a fixed address of the module's static data
 * (`lanes`), not written as a v128.const. V8 builds each v128.const afresh at every use inside a
 * loop (a 64-bit immediate moved into a general register, then into the vector register, then
 * duplicated: three dependent instructions), and these functions use forty of them; a load from a
 * constant address is one instruction and runs beside the arithmetic. That made e^x loops 30%
 * faster and the fused BCE loss-and-gradient kernel 1.5× as fast. Zero stays a v128.const (one xor).
 * The static data lies below the first 64 KiB of memory, which the heap never hands out
 * (src/backend/wasm/heap.ts; a test checks the bound).
 */

import { madd, nmadd } from './fma';

// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in a short head (exact products with small integers) and a tail.
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;

/** The four lanes stored at `at` (one of the K_ constants below): one load, see the file header. */
// @ts-ignore: decorator
@inline
export function lanes(at: usize): v128 {
  return v128.load(at);
}

// Vector constants, each its value in four lanes on a 16-byte boundary (file header).
const K_EXP_LO = memory.data<f32>([-104.0, -104.0, -104.0, -104.0], 16);
const K_EXP_HI = memory.data<f32>([89.0, 89.0, 89.0, 89.0], 16);
const K_LOG2E = memory.data<f32>([LOG2E, LOG2E, LOG2E, LOG2E], 16);
const K_SHIFTER = memory.data<f32>([12582912.0, 12582912.0, 12582912.0, 12582912.0], 16);
const K_LN2_HI = memory.data<f32>([LN2_HI, LN2_HI, LN2_HI, LN2_HI], 16);
const K_LN2_LO = memory.data<f32>([LN2_LO, LN2_LO, LN2_LO, LN2_LO], 16);
const K_BIAS = memory.data<i32>([127, 127, 127, 127], 16);
// e^r = 1 + r + r²·(E0 + E1·r + … + E5·r⁵)
const K_E0 = memory.data<f32>([5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1], 16);
const K_E1 = memory.data<f32>([1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1], 16);
const K_E2 = memory.data<f32>([4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2], 16);
const K_E3 = memory.data<f32>([8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3], 16);
const K_E4 = memory.data<f32>([1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3], 16);
const K_E5 = memory.data<f32>([1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4], 16);
// P(m) of logf (logPoly): L0 + L1·m + … + L8·m⁸
const K_L0 = memory.data<f32>([3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1], 16);
const K_L1 = memory.data<f32>([-2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1], 16);
const K_L2 = memory.data<f32>([2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1], 16);
const K_L3 = memory.data<f32>([-1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1], 16);
const K_L4 = memory.data<f32>([1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1], 16);
const K_L5 = memory.data<f32>([-1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1], 16);
const K_L6 = memory.data<f32>([1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1], 16);
const K_L7 = memory.data<f32>([-1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1], 16);
const K_L8 = memory.data<f32>([7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2], 16);
// log1p(u) on [0, 1] (vlog1pUnit): u + u²·(Q1 + Q2·u + … + Q10·u⁹)
const K_Q1 = memory.data<f32>([-4.9999982119e-1, -4.9999982119e-1, -4.9999982119e-1, -4.9999982119e-1], 16);
const K_Q2 = memory.data<f32>([3.3332559466e-1, 3.3332559466e-1, 3.3332559466e-1, 3.3332559466e-1], 16);
const K_Q3 = memory.data<f32>([-2.4987271428e-1, -2.4987271428e-1, -2.4987271428e-1, -2.4987271428e-1], 16);
const K_Q4 = memory.data<f32>([1.9890747964e-1, 1.9890747964e-1, 1.9890747964e-1, 1.9890747964e-1], 16);
const K_Q5 = memory.data<f32>([-1.6105690598e-1, -1.6105690598e-1, -1.6105690598e-1, -1.6105690598e-1], 16);
const K_Q6 = memory.data<f32>([1.2418431789e-1, 1.2418431789e-1, 1.2418431789e-1, 1.2418431789e-1], 16);
const K_Q7 = memory.data<f32>([-8.2441680133e-2, -8.2441680133e-2, -8.2441680133e-2, -8.2441680133e-2], 16);
const K_Q8 = memory.data<f32>([4.1478157043e-2, 4.1478157043e-2, 4.1478157043e-2, 4.1478157043e-2], 16);
const K_Q9 = memory.data<f32>([-1.3407493010e-2, -1.3407493010e-2, -1.3407493010e-2, -1.3407493010e-2], 16);
const K_Q10 = memory.data<f32>([2.0302333869e-3, 2.0302333869e-3, 2.0302333869e-3, 2.0302333869e-3], 16);
// vlog1pUnit's split between u - u²/2 and the polynomial, and the floor of its u² (2^-12, 2^-30).
const K_LOG1P_SPLIT = memory.data<f32>([2.44140625e-4, 2.44140625e-4, 2.44140625e-4, 2.44140625e-4], 16);
const K_LOG1P_FLOOR = memory.data<f32>([9.31322574615478515625e-10, 9.31322574615478515625e-10, 9.31322574615478515625e-10, 9.31322574615478515625e-10], 16);
const K_MIN_NORMAL = memory.data<f32>([1.17549435e-38, 1.17549435e-38, 1.17549435e-38, 1.17549435e-38], 16);
const K_TWO_23 = memory.data<f32>([8388608.0, 8388608.0, 8388608.0, 8388608.0], 16);
const K_EXP_BITS = memory.data<i32>([126, 126, 126, 126], 16);
const K_MANTISSA = memory.data<i32>([0x807fffff, 0x807fffff, 0x807fffff, 0x807fffff], 16);
const K_HALF_BITS = memory.data<i32>([0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000], 16);
const K_DENORMAL_SHIFT = memory.data<i32>([23, 23, 23, 23], 16);
const K_SQRT_HALF = memory.data<f32>([0.707106781186547524, 0.707106781186547524, 0.707106781186547524, 0.707106781186547524], 16);
const K_NEG_INF = memory.data<f32>([-Infinity, -Infinity, -Infinity, -Infinity], 16);
const K_INF = memory.data<f32>([Infinity, Infinity, Infinity, Infinity], 16);
const K_NAN = memory.data<f32>([NaN, NaN, NaN, NaN], 16);
// e^x − 1 near 0: the Taylor terms 1/2! … 1/8!
const K_F2 = memory.data<f32>([0.5, 0.5, 0.5, 0.5], 16);
const K_F3 = memory.data<f32>([1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0], 16);
const K_F4 = memory.data<f32>([1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0], 16);
const K_F5 = memory.data<f32>([1.0 / 120.0, 1.0 / 120.0, 1.0 / 120.0, 1.0 / 120.0], 16);
const K_F6 = memory.data<f32>([1.0 / 720.0, 1.0 / 720.0, 1.0 / 720.0, 1.0 / 720.0], 16);
const K_F7 = memory.data<f32>([1.0 / 5040.0, 1.0 / 5040.0, 1.0 / 5040.0, 1.0 / 5040.0], 16);
const K_F8 = memory.data<f32>([1.0 / 40320.0, 1.0 / 40320.0, 1.0 / 40320.0, 1.0 / 40320.0], 16);
// tanh near 0: x + x·z·(T0 + T1·z + … + T4·z⁴), z = x²
const K_T0 = memory.data<f32>([-3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1], 16);
const K_T1 = memory.data<f32>([1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1], 16);
const K_T2 = memory.data<f32>([-5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2], 16);
const K_T3 = memory.data<f32>([2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2], 16);
const K_T4 = memory.data<f32>([-5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3], 16);
const K_TANH_NEAR = memory.data<f32>([0.625, 0.625, 0.625, 0.625], 16);

/** 0.5 in every lane. */
export const K_HALF = K_F2;
/** 1 in every lane. */
export const K_ONE = memory.data<f32>([1.0, 1.0, 1.0, 1.0], 16);
/** 2 in every lane. */
export const K_TWO = memory.data<f32>([2.0, 2.0, 2.0, 2.0], 16);
/** −1 in every lane. */
export const K_MINUS_ONE = memory.data<f32>([-1.0, -1.0, -1.0, -1.0], 16);
/** The float sign bit in every lane (OR sets it: −|x|; AND keeps only it). */
export const K_SIGN = memory.data<i32>([0x80000000, 0x80000000, 0x80000000, 0x80000000], 16);

// @ts-ignore: decorator
@inline
function poly(x: v128, c: usize, acc: v128): v128 {
  return madd(acc, x, lanes(c));
}

/** c0 + c1·x per lane: one term pair of an Estrin-scheme polynomial. */
// @ts-ignore: decorator
@inline
function pair(x: v128, c0: usize, c1: usize): v128 {
  return madd(x, lanes(c1), lanes(c0));
}

/** e^x per lane; overflows to +Infinity, underflows through denormals to 0, NaN stays NaN. */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  // Keeps n in [-150, 129]; beyond, the result is 0 or Infinity anyway. pmin/pmax (one
  // instruction each on x86, unlike min/max) keep a NaN x because x is their first operand.
  const xc = f32x4.pmin(f32x4.pmax(x, lanes(K_EXP_LO)), lanes(K_EXP_HI));
  // Round x·log2(e) to the nearest integer by adding 1.5·2^23: the sum's low mantissa bits then
  // hold n (ties to even, like f32x4.nearest), so n needs no separate float-to-int conversion.
  const shifter = lanes(K_SHIFTER);
  const shifted = madd(xc, lanes(K_LOG2E), shifter);
  const nf = f32x4.sub(shifted, shifter);
  const r = nmadd(nf, lanes(K_LN2_LO), nmadd(nf, lanes(K_LN2_HI), xc));
  // e^r = 1 + r + r²·P(r); Estrin's scheme halves the latency of Horner's rule (file header).
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const p01 = pair(r, K_E0, K_E1);
  const p23 = pair(r, K_E2, K_E3);
  const p45 = pair(r, K_E4, K_E5);
  const p = madd(p45, r4, madd(p23, r2, p01));
  const er = f32x4.add(madd(p, r2, r), lanes(K_ONE));
  // Scale by 2^n in two halves so denormal results round once and 2^128 overflows cleanly.
  // The bits of `shifted` are M + n with M = 0x4b400000, a multiple of 2^10, and shl 23 keeps
  // only the low 9 bits: s1 = 2^(n>>1) and s2 = 2^(n - (n>>1)) come without isolating n.
  const h = i32x4.shr_s(shifted, 1);
  const bias = lanes(K_BIAS);
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
  const q01 = pair(m, K_L0, K_L1);
  const q23 = pair(m, K_L2, K_L3);
  const q45 = pair(m, K_L4, K_L5);
  const q67 = pair(m, K_L6, K_L7);
  const lo = madd(q23, z, q01);
  const hi = madd(q67, z, q45);
  return madd(lanes(K_L8), z4, madd(hi, z2, lo));
}

/** e·ln 2 + log(1 + m) from P(m) (see logPoly), summed smallest terms first. */
// @ts-ignore: decorator
@inline
function logTail(m: v128, z: v128, p: v128, ef: v128): v128 {
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(ef, lanes(K_LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, lanes(K_HALF)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(ef, lanes(K_LN2_HI)));
}

/** Natural log per lane; log(0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity. */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  // Denormals: scale into the normal range first and correct the exponent.
  const tiny = f32x4.lt(x, lanes(K_MIN_NORMAL));
  const xs = v128.bitselect(f32x4.mul(x, lanes(K_TWO_23)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), lanes(K_EXP_BITS));
  e = i32x4.sub(e, v128.and(tiny, lanes(K_DENORMAL_SHIFT)));
  let m = v128.or(v128.and(bits, lanes(K_MANTISSA)), lanes(K_HALF_BITS));
  // m in [0.5, 1): fold to [sqrt(1/2), sqrt(2)) - 1.
  const small = f32x4.lt(m, lanes(K_SQRT_HALF));
  e = i32x4.add(e, small); // true lanes are -1
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), lanes(K_ONE));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  const y = logPoly(m, z);
  let r = logTail(m, z, y, ef);
  r = v128.bitselect(lanes(K_NEG_INF), r, f32x4.eq(x, f32x4.splat(0)));
  const inf = lanes(K_INF);
  r = v128.bitselect(inf, r, f32x4.eq(x, inf));
  // x < 0 or NaN: (x >= 0) is false.
  return v128.bitselect(r, lanes(K_NAN), f32x4.ge(x, f32x4.splat(0)));
}

/**
 * log(1 + u) per lane for u in [0, 1] (NaN stays NaN), the range of e^-|x| in softplus and the
 * logistic loss: u + u²·Q(u), with Q of degree 9 fitted for the least largest relative error of
 * log1p on [0, 1] (7e-10, far below float32's rounding; the float32 evaluation stays within 1.5
 * ulp of log1p). On [0, 1] log1p needs no range reduction (its nearest singularity, u = -1, is
 * as far away as the interval is long): unlike vlog, no exponent split, no fold and no select,
 * half the operations. The u + u²·Q form keeps the rounding of Q small against u.
 *
 * Below 2^-12 the cubic term u³/3 is under a third of an ulp of u, so u - u²/2 is log1p there;
 * the polynomial runs on max(u, 2^-12) and that pair of terms is selected for small lanes. The
 * point is speed, not accuracy: on small u Estrin's powers (u⁸ from u < 1.8e-5, i.e. logits
 * below -11, which most of a trained autoencoder's background pixels give) underflow, and every
 * underflowing vector operation takes a slow microcoded path on x86 (a BCE pass over such
 * logits ran 3× as long). For u < 2^-30, u²/2 is far below half an ulp of u, and u is log1p.
 */
// @ts-ignore: decorator
@inline
export function vlog1pUnit(u: v128): v128 {
  const split = lanes(K_LOG1P_SPLIT);
  // pmax keeps a NaN u (its first operand); such lanes take the polynomial below.
  const uc = f32x4.pmax(u, split);
  const u2 = f32x4.mul(uc, uc);
  const u4 = f32x4.mul(u2, u2);
  const u8 = f32x4.mul(u4, u4);
  // Estrin's scheme (file header): term pairs, then powers of u².
  const q01 = pair(uc, K_Q1, K_Q2);
  const q23 = pair(uc, K_Q3, K_Q4);
  const q45 = pair(uc, K_Q5, K_Q6);
  const q67 = pair(uc, K_Q7, K_Q8);
  const q89 = pair(uc, K_Q9, K_Q10);
  const q03 = madd(q23, u2, q01);
  const q47 = madd(q67, u2, q45);
  const q = madd(q89, u8, madd(q47, u4, q03));
  const wide = madd(u2, q, uc);
  // The square of max(u, 2^-30) never underflows; below 2^-30, log1p(u) rounds to u itself.
  const floor = lanes(K_LOG1P_FLOOR);
  const us = f32x4.pmax(u, floor);
  const narrow = v128.bitselect(u, f32x4.sub(us, f32x4.mul(us, f32x4.mul(us, lanes(K_HALF)))), f32x4.lt(u, floor));
  return v128.bitselect(narrow, wide, f32x4.lt(u, split));
}

/** e^x - 1 per lane, accurate near 0 (Taylor series for |x| < 0.5). */
// @ts-ignore: decorator
@inline
export function vexpm1(x: v128): v128 {
  let p = lanes(K_F8);
  p = poly(x, K_F7, p);
  p = poly(x, K_F6, p);
  p = poly(x, K_F5, p);
  p = poly(x, K_F4, p);
  p = poly(x, K_F3, p);
  p = poly(x, K_F2, p);
  p = poly(x, K_ONE, p);
  const series = f32x4.mul(p, x);
  const direct = f32x4.sub(vexp(x), lanes(K_ONE));
  return v128.bitselect(series, direct, f32x4.lt(f32x4.abs(x), lanes(K_HALF)));
}

/** tanh per lane (odd polynomial near 0, 1 - 2/(e^{2|x|} + 1) elsewhere). */
// @ts-ignore: decorator
@inline
export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = lanes(K_T4);
  p = poly(z, K_T3, p);
  p = poly(z, K_T2, p);
  p = poly(z, K_T1, p);
  p = poly(z, K_T0, p);
  const near = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = vexp(f32x4.add(ax, ax));
  const one = lanes(K_ONE);
  const far = f32x4.sub(one, f32x4.div(lanes(K_TWO), f32x4.add(e, one)));
  // Restore the sign of x on the far branch.
  const signed = v128.or(far, v128.and(x, lanes(K_SIGN)));
  return v128.bitselect(near, signed, f32x4.lt(ax, lanes(K_TANH_NEAR)));
}

/** 1 / (1 + e^-x) per lane. */
// @ts-ignore: decorator
@inline
export function vsigmoid(x: v128): v128 {
  const one = lanes(K_ONE);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** max(x, 0) + log(1 + e^-|x|) per lane. */
// @ts-ignore: decorator
@inline
export function vsoftplus(x: v128): v128 {
  // pmax(0, x) is one instruction; a NaN x gives 0 there, but the log term is NaN anyway.
  // Setting the sign bit is -|x| in one instruction.
  return f32x4.add(f32x4.pmax(f32x4.splat(0), x), vlog1pUnit(vexp(v128.or(x, lanes(K_SIGN)))));
}
