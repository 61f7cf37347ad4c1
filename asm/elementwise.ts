/**
 * Elementwise kernels over the index range [i0, i1) of float32 arrays given as byte offsets.
 *
 * Every kernel handles a range so threads can split it; ranges start on multiples of 4 except
 * possibly the last, and tails run the same vector maths on a splatted lane, so every element
 * gets bit-identical results whatever the split. `out` may alias an input (each element is read
 * before it is written).
 *
 * Kernels built on the transcendental functions of vmath.ts handle four vectors per loop pass:
 * their dependency chains are long, and four independent chains in one basic block let V8 interleave
 * them (1.5× the throughput of one vector per pass for bceLogits). Eight spills so many registers
 * that it is slower than four.
 */

import { at } from './address';
import { madd } from './fma';
import {
  BIN_ADD, BIN_DIV, BIN_MAX, BIN_MIN, BIN_MUL, BIN_SUB, binaryOp,
  UN_ABS, UN_EXP, UN_LOG, UN_NEG, UN_RECIPROCAL, UN_SIGN, UN_SQRT, UN_SQUARE, unaryOp,
} from './activations';
import { K_ONE, K_SIGN, lanes, vexp, vlog1pUnit } from './vmath';

// Loops are written once with the op as a parameter and inlined per constant op below, so the
// optimiser folds the op switch away and each op gets its own tight loop.

// @ts-ignore: decorator
@inline
function unaryLoop(op: i32, x: usize, out: usize, i0: i32, i1: i32): void {
  let i = i0;
  // Four independent vectors per pass (file header); all four are loaded before any store.
  for (; i + 16 <= i1; i += 16) {
    const a = unaryOp(op, v128.load(at(x, i)));
    const b = unaryOp(op, v128.load(at(x, i + 4)));
    const c = unaryOp(op, v128.load(at(x, i + 8)));
    const d = unaryOp(op, v128.load(at(x, i + 12)));
    v128.store(at(out, i), a);
    v128.store(at(out, i + 4), b);
    v128.store(at(out, i + 8), c);
    v128.store(at(out, i + 12), d);
  }
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), unaryOp(op, v128.load(at(x, i))));
  for (; i < i1; i++) store<f32>(at(out, i), f32x4.extract_lane(unaryOp(op, f32x4.splat(load<f32>(at(x, i)))), 0));
}

export function unary(op: i32, x: usize, out: usize, i0: i32, i1: i32): void {
  switch (op) {
    case UN_NEG: unaryLoop(UN_NEG, x, out, i0, i1); break;
    case UN_ABS: unaryLoop(UN_ABS, x, out, i0, i1); break;
    case UN_SIGN: unaryLoop(UN_SIGN, x, out, i0, i1); break;
    case UN_EXP: unaryLoop(UN_EXP, x, out, i0, i1); break;
    case UN_LOG: unaryLoop(UN_LOG, x, out, i0, i1); break;
    case UN_SQRT: unaryLoop(UN_SQRT, x, out, i0, i1); break;
    case UN_SQUARE: unaryLoop(UN_SQUARE, x, out, i0, i1); break;
    default: unaryLoop(UN_RECIPROCAL, x, out, i0, i1);
  }
}

// @ts-ignore: decorator
@inline
function binaryLoop(op: i32, a: usize, b: usize, out: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), binaryOp(op, v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < i1; i++) {
    const v = binaryOp(op, f32x4.splat(load<f32>(at(a, i))), f32x4.splat(load<f32>(at(b, i))));
    store<f32>(at(out, i), f32x4.extract_lane(v, 0));
  }
}

export function binary(op: i32, a: usize, b: usize, out: usize, i0: i32, i1: i32): void {
  switch (op) {
    case BIN_ADD: binaryLoop(BIN_ADD, a, b, out, i0, i1); break;
    case BIN_SUB: binaryLoop(BIN_SUB, a, b, out, i0, i1); break;
    case BIN_MUL: binaryLoop(BIN_MUL, a, b, out, i0, i1); break;
    case BIN_DIV: binaryLoop(BIN_DIV, a, b, out, i0, i1); break;
    case BIN_MAX: binaryLoop(BIN_MAX, a, b, out, i0, i1); break;
    default: binaryLoop(BIN_MIN, a, b, out, i0, i1);
  }
}

/** out = x·scale + shift. */
export function affine(x: usize, scale: f32, shift: f32, out: usize, i0: i32, i1: i32): void {
  const s = f32x4.splat(scale), t = f32x4.splat(shift);
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), madd(v128.load(at(x, i)), s, t));
  for (; i < i1; i++) store<f32>(at(out, i), load<f32>(at(x, i)) * scale + shift);
}

/** out = a + alpha·b. */
export function axpy(a: usize, alpha: f32, b: usize, out: usize, i0: i32, i1: i32): void {
  const s = f32x4.splat(alpha);
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), madd(s, v128.load(at(b, i)), v128.load(at(a, i))));
  for (; i < i1; i++) store<f32>(at(out, i), load<f32>(at(a, i)) + alpha * load<f32>(at(b, i)));
}

/** out = min(max(x, lo), hi); NaN stays NaN (pmin/pmax return their first operand then). */
export function clamp(x: usize, lo: f32, hi: f32, out: usize, i0: i32, i1: i32): void {
  const l = f32x4.splat(lo), h = f32x4.splat(hi);
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), f32x4.pmin(f32x4.pmax(v128.load(at(x, i)), l), h));
  for (; i < i1; i++) {
    const v = f32x4.pmin(f32x4.pmax(f32x4.splat(load<f32>(at(x, i))), l), h);
    store<f32>(at(out, i), f32x4.extract_lane(v, 0));
  }
}

// @ts-ignore: decorator
@inline
function bce(z: v128, t: v128): v128 {
  // pmax is one instruction; it turns a NaN z into 0, but then the log term is NaN anyway.
  // Setting the sign bit is -|z| in one instruction.
  const relu = f32x4.pmax(f32x4.splat(0), z);
  return f32x4.add(f32x4.sub(relu, f32x4.mul(z, t)), vlog1pUnit(vexp(v128.or(z, lanes(K_SIGN)))));
}

/** out = max(z, 0) - z·t + log(1 + e^-|z|). */
export function bceLogits(z: usize, t: usize, out: usize, i0: i32, i1: i32): void {
  let i = i0;
  // Four independent vectors per pass (file header); all four are loaded before any store.
  for (; i + 16 <= i1; i += 16) {
    const a = bce(v128.load(at(z, i)), v128.load(at(t, i)));
    const b = bce(v128.load(at(z, i + 4)), v128.load(at(t, i + 4)));
    const c = bce(v128.load(at(z, i + 8)), v128.load(at(t, i + 8)));
    const d = bce(v128.load(at(z, i + 12)), v128.load(at(t, i + 12)));
    v128.store(at(out, i), a);
    v128.store(at(out, i + 4), b);
    v128.store(at(out, i + 8), c);
    v128.store(at(out, i + 12), d);
  }
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), bce(v128.load(at(z, i)), v128.load(at(t, i))));
  for (; i < i1; i++) {
    const v = bce(f32x4.splat(load<f32>(at(z, i))), f32x4.splat(load<f32>(at(t, i))));
    store<f32>(at(out, i), f32x4.extract_lane(v, 0));
  }
}

/** e^-|z| per lane (setting the sign bit is -|z| in one instruction). */
// @ts-ignore: decorator
@inline
function expNegAbs(z: v128): v128 {
  return vexp(v128.or(z, lanes(K_SIGN)));
}

/** BCE terms max(z, 0) - z·t + log(1 + e) from e = e^-|z|. */
// @ts-ignore: decorator
@inline
function bceTerms(z: v128, t: v128, e: v128): v128 {
  return f32x4.add(f32x4.sub(f32x4.pmax(f32x4.splat(0), z), f32x4.mul(z, t)), vlog1pUnit(e));
}

/** (sigmoid(z) - t)·scale from e = e^-|z|: 1/(1 + e) for z ≥ 0, e/(1 + e) below (never overflows). */
// @ts-ignore: decorator
@inline
function bceSlope(z: v128, t: v128, e: v128, scale: v128): v128 {
  const one = lanes(K_ONE);
  const r = f32x4.div(one, f32x4.add(one, e));
  const sig = v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(z, f32x4.splat(0)));
  return f32x4.mul(f32x4.sub(sig, t), scale);
}

/** Loss terms of the vector at element i, storing its gradient when `grad` ≠ 0. */
// @ts-ignore: decorator
@inline
function bceStep(z: usize, t: usize, grad: usize, scale: v128, i: i32): v128 {
  const zv = v128.load(at(z, i)), tv = v128.load(at(t, i));
  const e = expNegAbs(zv);
  if (grad != 0) v128.store(at(grad, i), bceSlope(zv, tv, e, scale));
  return bceTerms(zv, tv, e);
}

// acc + both halves of v, promoted to float64.
// @ts-ignore: decorator
@inline
function addPromoted(acc: v128, v: v128): v128 {
  return f64x2.add(f64x2.add(acc, f64x2.promote_low_f32x4(v)), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
}

/**
 * Σ (max(z, 0) - z·t + log(1 + e^-|z|)) over [i0, i1), accumulated in float64, and when `grad` ≠ 0,
 * grad = (sigmoid(z) - t)·scale: a mean BCE's loss and gradient in one pass sharing one e^-|z|,
 * with no array of loss terms. Four vectors per pass (file header).
 */
export function bceLogitsGrad(z: usize, t: usize, scale: f32, grad: usize, i0: i32, i1: i32): f64 {
  const s = f32x4.splat(scale);
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = i0;
  for (; i + 16 <= i1; i += 16) {
    const a = bceStep(z, t, grad, s, i);
    const b = bceStep(z, t, grad, s, i + 4);
    const c = bceStep(z, t, grad, s, i + 8);
    const d = bceStep(z, t, grad, s, i + 12);
    acc0 = addPromoted(addPromoted(acc0, a), c);
    acc1 = addPromoted(addPromoted(acc1, b), d);
  }
  for (; i + 4 <= i1; i += 4) acc0 = addPromoted(acc0, bceStep(z, t, grad, s, i));
  let total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  for (; i < i1; i++) {
    // Tail elements go through the same vector maths on a splatted lane.
    const zv = f32x4.splat(load<f32>(at(z, i))), tv = f32x4.splat(load<f32>(at(t, i)));
    const e = expNegAbs(zv);
    if (grad != 0) store<f32>(at(grad, i), f32x4.extract_lane(bceSlope(zv, tv, e, s), 0));
    total += <f64>f32x4.extract_lane(bceTerms(zv, tv, e), 0);
  }
  return total;
}

/** Σ x[i] (squares when `squares`), accumulated in float64. */
export function sum(x: usize, squares: bool, i0: i32, i1: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const v = v128.load(at(x, i));
    // Promote before squaring: a float32 square is exact in float64, as in the reference.
    let lo = f64x2.promote_low_f32x4(v);
    let hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    if (squares) {
      lo = f64x2.mul(lo, lo);
      hi = f64x2.mul(hi, hi);
    }
    acc0 = f64x2.add(acc0, lo);
    acc1 = f64x2.add(acc1, hi);
  }
  let total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  for (; i < i1; i++) {
    const v = <f64>load<f32>(at(x, i));
    total += squares ? v * v : v;
  }
  return total;
}

/** Number of entries of x[i0..i1) that are not zero (NaN counts as not zero). */
export function countNonZero(x: usize, i0: i32, i1: i32): f64 {
  const zero = f32x4.splat(0);
  let acc = i32x4.splat(0);
  let i = i0;
  // ne gives -1 per non-zero lane; subtracting counts them.
  for (; i + 4 <= i1; i += 4) acc = i32x4.sub(acc, f32x4.ne(v128.load(at(x, i)), zero));
  let total = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < i1; i++) total += <i32>(load<f32>(at(x, i)) != 0);
  return <f64>total;
}

/**
 * One Adam/AdamW step: m, v updated in place, then param ← param·decay - stepSize·m / (√(v/c2) + eps).
 * `l2` is added to the gradient as l2·param first (plain Adam's weight decay; 0 for AdamW).
 */
export function adam(
  param: usize, grad: usize, m: usize, v: usize,
  beta1: f32, beta2: f32, eps: f32, l2: f32, decay: f32, stepSize: f32, invC2: f32,
  i0: i32, i1: i32,
): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(1 - beta1), ob2 = f32x4.splat(1 - beta2);
  const ve = f32x4.splat(eps), vl2 = f32x4.splat(l2), vd = f32x4.splat(decay);
  const vs = f32x4.splat(stepSize), vc = f32x4.splat(invC2);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const p = v128.load(at(param, i));
    const g = madd(vl2, p, v128.load(at(grad, i)));
    const mi = madd(b1, v128.load(at(m, i)), f32x4.mul(ob1, g));
    const vi = madd(b2, v128.load(at(v, i)), f32x4.mul(f32x4.mul(ob2, g), g));
    v128.store(at(m, i), mi);
    v128.store(at(v, i), vi);
    const denom = f32x4.add(f32x4.sqrt(f32x4.mul(vi, vc)), ve);
    v128.store(at(param, i), f32x4.sub(f32x4.mul(p, vd), f32x4.div(f32x4.mul(vs, mi), denom)));
  }
  for (; i < i1; i++) {
    const p = load<f32>(at(param, i));
    const g = load<f32>(at(grad, i)) + l2 * p;
    const mi = beta1 * load<f32>(at(m, i)) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(at(v, i)) + (1 - beta2) * g * g;
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    store<f32>(at(param, i), p * decay - (stepSize * mi) / (Mathf.sqrt(vi * invC2) + eps));
  }
}

/**
 * Adam over a table of parameters, as one job: `table` holds `count` rows of six i32 (param,
 * grad, m, v byte offsets, length n, start), where start is the parameter's offset in one index
 * space in which every parameter begins on a multiple of 16. The job's range [g0, g1) of that
 * space (multiples of 16) maps to 16-aligned ranges inside each parameter, so every element takes
 * the same path (vector or tail) and gets the same bits as a per-parameter `adam` call.
 */
export function adamTable(
  table: usize, count: i32,
  beta1: f32, beta2: f32, eps: f32, l2: f32, decay: f32, stepSize: f32, invC2: f32,
  g0: i32, g1: i32,
): void {
  for (let e = 0; e < count; e++) {
    const row = table + (<usize>(e * 6) << 2);
    const n = load<i32>(row, 16), start = load<i32>(row, 20);
    const lo = max(g0 - start, 0), hi = min(g1 - start, n);
    if (lo >= hi) continue;
    adam(
      <usize>load<i32>(row), <usize>load<i32>(row, 4), <usize>load<i32>(row, 8), <usize>load<i32>(row, 12),
      beta1, beta2, eps, l2, decay, stepSize, invC2, lo, hi,
    );
  }
}
