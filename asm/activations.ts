/**
 * Activation functions and their slopes over f32x4 lanes, plus the unary and binary op tables.
 *
 * Codes are fixed numbers shared with src/backend/wasm/codes.ts (a mismatch fails every
 * conformance test). Comparison-based ops use `bitselect` on an explicit compare so NaN handling
 * matches the reference's `a > b ? a : b` exactly.
 */

import { K_MINUS_ONE, K_ONE, lanes, vexp, vexpm1, vlog, vsigmoid, vsoftplus, vtanh } from './vmath';

// The codes are @inline so they reach the optimiser as literals: the kernels inline one loop per
// code, and with plain globals binaryen merged those loops back into one loop with a br_table on
// the code inside: a jump per vector, the constants of every op live (and spilled) at once, and no
// overlap between the vectors of an unrolled pass.
// @ts-ignore: decorator
@inline export const ACT_IDENTITY = 0;
// @ts-ignore: decorator
@inline export const ACT_RELU = 1;
// @ts-ignore: decorator
@inline export const ACT_LEAKY_RELU = 2;
// @ts-ignore: decorator
@inline export const ACT_ELU = 3;
// @ts-ignore: decorator
@inline export const ACT_GELU = 4;
// @ts-ignore: decorator
@inline export const ACT_SIGMOID = 5;
// @ts-ignore: decorator
@inline export const ACT_TANH = 6;
// @ts-ignore: decorator
@inline export const ACT_SOFTPLUS = 7;

// @ts-ignore: decorator
@inline const GELU_C: f32 = 0.7978845608028654; // sqrt(2 / pi)
// @ts-ignore: decorator
@inline const GELU_K: f32 = 0.044715;
// Vector constants live in static data, not v128.const (asm/vmath.ts header).
const K_GELU_C = memory.data<f32>([GELU_C, GELU_C, GELU_C, GELU_C], 16);
const K_GELU_K = memory.data<f32>([GELU_K, GELU_K, GELU_K, GELU_K], 16);
const K_GELU_3K = memory.data<f32>([3 * GELU_K, 3 * GELU_K, 3 * GELU_K, 3 * GELU_K], 16);

// 0.5·(1 + tanh(z)) = sigmoid(2z): stays accurate where 1 + tanh(z) would cancel.
// @ts-ignore: decorator
@inline
function geluGate(x: v128): v128 {
  const inner = f32x4.mul(lanes(K_GELU_C), f32x4.add(x, f32x4.mul(lanes(K_GELU_K), f32x4.mul(x, f32x4.mul(x, x)))));
  return vsigmoid(f32x4.add(inner, inner));
}

/** act(x) per lane. */
// @ts-ignore: decorator
@inline
export function activate(act: i32, alpha: v128, x: v128): v128 {
  const zero = f32x4.splat(0);
  switch (act) {
    case ACT_RELU:
      return v128.bitselect(x, zero, f32x4.gt(x, zero));
    case ACT_LEAKY_RELU:
      return v128.bitselect(x, f32x4.mul(alpha, x), f32x4.gt(x, zero));
    case ACT_ELU:
      return v128.bitselect(x, f32x4.mul(alpha, vexpm1(x)), f32x4.gt(x, zero));
    case ACT_GELU:
      return f32x4.mul(x, geluGate(x));
    case ACT_SIGMOID:
      return vsigmoid(x);
    case ACT_TANH:
      return vtanh(x);
    case ACT_SOFTPLUS:
      return vsoftplus(x);
    default:
      return x;
  }
}

/** d act / d pre per lane, from the pre-activation x and the output y. */
// @ts-ignore: decorator
@inline
export function slope(act: i32, alpha: v128, x: v128, y: v128): v128 {
  const zero = f32x4.splat(0);
  const one = lanes(K_ONE);
  switch (act) {
    case ACT_RELU:
      return v128.bitselect(one, zero, f32x4.gt(x, zero));
    case ACT_LEAKY_RELU:
      return v128.bitselect(one, alpha, f32x4.gt(x, zero));
    case ACT_ELU:
      return v128.bitselect(one, f32x4.add(y, alpha), f32x4.gt(x, zero));
    case ACT_GELU: {
      // s + 2·x·s·(1 - s)·d(inner)/dx, with s = 0.5·(1 + tanh(inner)).
      const s = geluGate(x);
      const dInner = f32x4.mul(lanes(K_GELU_C), f32x4.add(one, f32x4.mul(lanes(K_GELU_3K), f32x4.mul(x, x))));
      const t = f32x4.mul(f32x4.mul(s, f32x4.sub(one, s)), dInner);
      return f32x4.add(s, f32x4.mul(f32x4.add(x, x), t));
    }
    case ACT_SIGMOID:
      return f32x4.mul(y, f32x4.sub(one, y));
    case ACT_TANH:
      return f32x4.sub(one, f32x4.mul(y, y));
    case ACT_SOFTPLUS:
      return vsigmoid(x);
    default:
      return one;
  }
}

// Codes are @inline for the same reason as the ACT_ codes.
// @ts-ignore: decorator
@inline export const UN_NEG = 0;
// @ts-ignore: decorator
@inline export const UN_ABS = 1;
// @ts-ignore: decorator
@inline export const UN_SIGN = 2;
// @ts-ignore: decorator
@inline export const UN_EXP = 3;
// @ts-ignore: decorator
@inline export const UN_LOG = 4;
// @ts-ignore: decorator
@inline export const UN_SQRT = 5;
// @ts-ignore: decorator
@inline export const UN_SQUARE = 6;
// @ts-ignore: decorator
@inline export const UN_RECIPROCAL = 7;

/** Elementwise unary op per lane. */
// @ts-ignore: decorator
@inline
export function unaryOp(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case UN_NEG:
      return f32x4.neg(x);
    case UN_ABS:
      return f32x4.abs(x);
    case UN_SIGN: {
      const pos = v128.and(f32x4.gt(x, zero), lanes(K_ONE));
      const neg = v128.and(f32x4.lt(x, zero), lanes(K_MINUS_ONE));
      return v128.or(pos, neg);
    }
    case UN_EXP:
      return vexp(x);
    case UN_LOG:
      return vlog(x);
    case UN_SQRT:
      return f32x4.sqrt(x);
    case UN_SQUARE:
      return f32x4.mul(x, x);
    default:
      return f32x4.div(lanes(K_ONE), x);
  }
}

// Codes are @inline for the same reason as the ACT_ codes.
// @ts-ignore: decorator
@inline export const BIN_ADD = 0;
// @ts-ignore: decorator
@inline export const BIN_SUB = 1;
// @ts-ignore: decorator
@inline export const BIN_MUL = 2;
// @ts-ignore: decorator
@inline export const BIN_DIV = 3;
// @ts-ignore: decorator
@inline export const BIN_MAX = 4;
// @ts-ignore: decorator
@inline export const BIN_MIN = 5;

/** Elementwise binary op per lane. */
// @ts-ignore: decorator
@inline
export function binaryOp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case BIN_ADD:
      return f32x4.add(a, b);
    case BIN_SUB:
      return f32x4.sub(a, b);
    case BIN_MUL:
      return f32x4.mul(a, b);
    case BIN_DIV:
      return f32x4.div(a, b);
    case BIN_MAX:
      return v128.bitselect(a, b, f32x4.gt(a, b));
    default:
      return v128.bitselect(a, b, f32x4.lt(a, b));
  }
}
