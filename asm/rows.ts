/**
 * Kernels over [rows, cols] row-major matrices with a per-column vector: fused bias+activation
 * (forward and backward), column affine, and row/column sums.
 *
 * Forward kernels split by rows [r0, r1); kernels that reduce over rows (sumRows, the dbias of
 * the backward pass) split by columns [c0, c1) and still walk memory row by row, accumulating
 * into the output in the reference's order (r = 0, 1, ...), so their float32 sums match exactly.
 */

import { at } from './address';
import { madd } from './fma';
import {
  ACT_ELU, ACT_GELU, ACT_IDENTITY, ACT_LEAKY_RELU, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH, activate, slope,
} from './activations';

// @ts-ignore: decorator
@inline
function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

// The loops below take the activation as a parameter and are inlined per constant activation
// (see the dispatchers at the end), so each activation gets its own loop with no switch inside.

// @ts-ignore: decorator
@inline
function biasActivationLoop(
  act: i32, x: usize, bias: usize, cols: i32, alpha: f32, out: usize, pre: usize, r0: i32, r1: i32,
): void {
  const va = f32x4.splat(alpha);
  const zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const base = r * cols;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const b = bias != 0 ? v128.load(at(bias, c)) : zero;
      const v = f32x4.add(v128.load(at(x, base + c)), b);
      if (pre != 0) v128.store(at(pre, base + c), v);
      v128.store(at(out, base + c), activate(act, va, v));
    }
    for (; c < cols; c++) {
      const b: f32 = bias != 0 ? load<f32>(at(bias, c)) : 0;
      const v = load<f32>(at(x, base + c)) + b;
      if (pre != 0) store<f32>(at(pre, base + c), v);
      store<f32>(at(out, base + c), lane0(activate(act, va, f32x4.splat(v))));
    }
  }
}

// @ts-ignore: decorator
@inline
function biasActivationBackwardLoop(
  act: i32, dy: usize, pre: usize, y: usize, rows: i32, cols: i32, alpha: f32,
  dx: usize, dbias: usize, c0: i32, c1: i32,
): void {
  const va = f32x4.splat(alpha);
  if (dbias != 0) memory.fill(at(dbias, c0), 0, <usize>(c1 - c0) << 2);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const i = base + c;
      const d = f32x4.mul(v128.load(at(dy, i)), slope(act, va, v128.load(at(pre, i)), v128.load(at(y, i))));
      v128.store(at(dx, i), d);
      if (dbias != 0) v128.store(at(dbias, c), f32x4.add(v128.load(at(dbias, c)), d));
    }
    for (; c < c1; c++) {
      const i = base + c;
      const s = lane0(slope(act, va, f32x4.splat(load<f32>(at(pre, i))), f32x4.splat(load<f32>(at(y, i)))));
      const d = load<f32>(at(dy, i)) * s;
      store<f32>(at(dx, i), d);
      if (dbias != 0) store<f32>(at(dbias, c), load<f32>(at(dbias, c)) + d);
    }
  }
}

/** out[r, c] = x[r, c]·scale[c] + shift[c] for rows [r0, r1); a 0 pointer means 1 or 0. */
export function columnAffine(
  x: usize, scale: usize, shift: usize, cols: i32, out: usize, r0: i32, r1: i32,
): void {
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const base = r * cols;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const s = scale != 0 ? v128.load(at(scale, c)) : one;
      const t = shift != 0 ? v128.load(at(shift, c)) : zero;
      v128.store(at(out, base + c), madd(v128.load(at(x, base + c)), s, t));
    }
    for (; c < cols; c++) {
      const s: f32 = scale != 0 ? load<f32>(at(scale, c)) : 1;
      const t: f32 = shift != 0 ? load<f32>(at(shift, c)) : 0;
      store<f32>(at(out, base + c), load<f32>(at(x, base + c)) * s + t);
    }
  }
}

/** out[c] = Σ_r x[r, c] for columns [c0, c1), float32 accumulation in row order. */
export function sumRows(x: usize, rows: i32, cols: i32, out: usize, c0: i32, c1: i32): void {
  memory.fill(at(out, c0), 0, <usize>(c1 - c0) << 2);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let c = c0;
    for (; c + 4 <= c1; c += 4) v128.store(at(out, c), f32x4.add(v128.load(at(out, c)), v128.load(at(x, base + c))));
    for (; c < c1; c++) store<f32>(at(out, c), load<f32>(at(out, c)) + load<f32>(at(x, base + c)));
  }
}

/** out[r] = Σ_c x[r, c] for rows [r0, r1), accumulated in float64 like the reference. */
export function sumCols(x: usize, cols: i32, out: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const base = r * cols;
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const v = v128.load(at(x, base + c));
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    }
    let total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    for (; c < cols; c++) total += <f64>load<f32>(at(x, base + c));
    store<f32>(at(out, r), <f32>total);
  }
}

/**
 * out[r, c] = act(x[r, c] + bias[c]) for rows [r0, r1); bias = 0 means no bias. When pre ≠ 0 it
 * also receives x[r, c] + bias[c] (the pre-activation a backward pass reads), in the same pass.
 */
export function biasActivation(
  x: usize, bias: usize, cols: i32, act: i32, alpha: f32, out: usize, pre: usize, r0: i32, r1: i32,
): void {
  switch (act) {
    case ACT_IDENTITY: biasActivationLoop(ACT_IDENTITY, x, bias, cols, alpha, out, pre, r0, r1); break;
    case ACT_RELU: biasActivationLoop(ACT_RELU, x, bias, cols, alpha, out, pre, r0, r1); break;
    case ACT_LEAKY_RELU: biasActivationLoop(ACT_LEAKY_RELU, x, bias, cols, alpha, out, pre, r0, r1); break;
    case ACT_ELU: biasActivationLoop(ACT_ELU, x, bias, cols, alpha, out, pre, r0, r1); break;
    case ACT_GELU: biasActivationLoop(ACT_GELU, x, bias, cols, alpha, out, pre, r0, r1); break;
    case ACT_SIGMOID: biasActivationLoop(ACT_SIGMOID, x, bias, cols, alpha, out, pre, r0, r1); break;
    case ACT_TANH: biasActivationLoop(ACT_TANH, x, bias, cols, alpha, out, pre, r0, r1); break;
    default: biasActivationLoop(ACT_SOFTPLUS, x, bias, cols, alpha, out, pre, r0, r1);
  }
}

/**
 * dx[r, c] = dy[r, c]·act'(pre, y) for columns [c0, c1) of every row, and when dbias ≠ 0,
 * dbias[c] = Σ_r dx[r, c] over the same columns.
 */
export function biasActivationBackward(
  dy: usize, pre: usize, y: usize, rows: i32, cols: i32, act: i32, alpha: f32,
  dx: usize, dbias: usize, c0: i32, c1: i32,
): void {
  switch (act) {
    case ACT_IDENTITY: biasActivationBackwardLoop(ACT_IDENTITY, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    case ACT_RELU: biasActivationBackwardLoop(ACT_RELU, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    case ACT_LEAKY_RELU: biasActivationBackwardLoop(ACT_LEAKY_RELU, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    case ACT_ELU: biasActivationBackwardLoop(ACT_ELU, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    case ACT_GELU: biasActivationBackwardLoop(ACT_GELU, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    case ACT_SIGMOID: biasActivationBackwardLoop(ACT_SIGMOID, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    case ACT_TANH: biasActivationBackwardLoop(ACT_TANH, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1); break;
    default: biasActivationBackwardLoop(ACT_SOFTPLUS, dy, pre, y, rows, cols, alpha, dx, dbias, c0, c1);
  }
}
