/**
 * Per-channel kernels over [batch, channels, plane] tensors (NCHW with the spatial axes
 * flattened): the bias add, and a convolution's bias + activation fused forward and backward.
 *
 * All three split by planes (rows of the [batch·channels, plane] view) [r0, r1); each plane is one
 * contiguous run with one bias value, so a chunk streams one contiguous range and shares no cache
 * line with the next one but at its ends. channelActivationBackward sums each plane in float64 (as
 * sumCols does) into one float32 total per plane; the caller adds the totals of a channel in sample
 * order in float32 (sumRows over the [batch, channels] totals): the same bits as the activation
 * backward followed by those two sums, whatever the chunking. `out` may alias `x`, `dx` `dy`.
 */

import { at } from './address';
import {
  ACT_ELU, ACT_GELU, ACT_IDENTITY, ACT_LEAKY_RELU, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH, activate, slope,
} from './activations';

export function channelBias(x: usize, bias: usize, channels: i32, plane: i32, out: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const s = load<f32>(bias + (<usize>(r % channels) << 2));
    const v = f32x4.splat(s);
    const base = <usize>r * <usize>plane << 2;
    const end = <usize>plane << 2;
    let o: usize = 0;
    for (; o + 16 <= end; o += 16) v128.store(out + base + o, f32x4.add(v128.load(x + base + o), v));
    for (; o < end; o += 4) store<f32>(out + base + o, load<f32>(x + base + o) + s);
  }
}

// @ts-ignore: decorator
@inline
function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

// The loops take the activation as a parameter and are inlined per constant activation (see the
// dispatchers below), so each activation gets its own loop with no switch inside.

// @ts-ignore: decorator
@inline
function channelBiasActivationLoop(
  act: i32, x: usize, bias: usize, channels: i32, plane: i32, alpha: f32, out: usize, pre: usize, r0: i32, r1: i32,
): void {
  const va = f32x4.splat(alpha);
  for (let r = r0; r < r1; r++) {
    const s: f32 = bias != 0 ? load<f32>(at(bias, r % channels)) : 0;
    const vs = f32x4.splat(s);
    const base = r * plane;
    let l = 0;
    for (; l + 4 <= plane; l += 4) {
      const v = f32x4.add(v128.load(at(x, base + l)), vs);
      if (pre != 0) v128.store(at(pre, base + l), v);
      v128.store(at(out, base + l), activate(act, va, v));
    }
    for (; l < plane; l++) {
      const v = load<f32>(at(x, base + l)) + s;
      if (pre != 0) store<f32>(at(pre, base + l), v);
      store<f32>(at(out, base + l), lane0(activate(act, va, f32x4.splat(v))));
    }
  }
}

// @ts-ignore: decorator
@inline
function channelActivationBackwardLoop(
  act: i32, dy: usize, pre: usize, y: usize, plane: i32, alpha: f32, dx: usize, totals: usize, r0: i32, r1: i32,
): void {
  const va = f32x4.splat(alpha);
  for (let r = r0; r < r1; r++) {
    const base = r * plane;
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
    let l = 0;
    for (; l + 4 <= plane; l += 4) {
      const i = base + l;
      const d = f32x4.mul(v128.load(at(dy, i)), slope(act, va, v128.load(at(pre, i)), v128.load(at(y, i))));
      v128.store(at(dx, i), d);
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(d));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1)));
    }
    let total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    for (; l < plane; l++) {
      const i = base + l;
      const s = lane0(slope(act, va, f32x4.splat(load<f32>(at(pre, i))), f32x4.splat(load<f32>(at(y, i)))));
      const d = load<f32>(at(dy, i)) * s;
      store<f32>(at(dx, i), d);
      total += <f64>d;
    }
    if (totals != 0) store<f32>(at(totals, r), <f32>total);
  }
}

/**
 * out[n, c, l] = act(x[n, c, l] + bias[c]) for planes [r0, r1) (bias = 0: no bias); when pre ≠ 0
 * it also receives x + bias, the pre-activation a backward pass reads, in the same pass.
 */
export function channelBiasActivation(
  x: usize, bias: usize, channels: i32, plane: i32, act: i32, alpha: f32, out: usize, pre: usize, r0: i32, r1: i32,
): void {
  switch (act) {
    case ACT_IDENTITY: channelBiasActivationLoop(ACT_IDENTITY, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    case ACT_RELU: channelBiasActivationLoop(ACT_RELU, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    case ACT_LEAKY_RELU: channelBiasActivationLoop(ACT_LEAKY_RELU, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    case ACT_ELU: channelBiasActivationLoop(ACT_ELU, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    case ACT_GELU: channelBiasActivationLoop(ACT_GELU, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    case ACT_SIGMOID: channelBiasActivationLoop(ACT_SIGMOID, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    case ACT_TANH: channelBiasActivationLoop(ACT_TANH, x, bias, channels, plane, alpha, out, pre, r0, r1); break;
    default: channelBiasActivationLoop(ACT_SOFTPLUS, x, bias, channels, plane, alpha, out, pre, r0, r1);
  }
}

/**
 * dx = dy·act'(pre, y) for planes [r0, r1) of the [batch·channels, plane] view and, when
 * totals ≠ 0, totals[r] = Σ_l dx[r, l] (float64, rounded once to float32).
 */
export function channelActivationBackward(
  dy: usize, pre: usize, y: usize, plane: i32, act: i32, alpha: f32, dx: usize, totals: usize, r0: i32, r1: i32,
): void {
  switch (act) {
    case ACT_IDENTITY: channelActivationBackwardLoop(ACT_IDENTITY, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    case ACT_RELU: channelActivationBackwardLoop(ACT_RELU, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    case ACT_LEAKY_RELU: channelActivationBackwardLoop(ACT_LEAKY_RELU, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    case ACT_ELU: channelActivationBackwardLoop(ACT_ELU, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    case ACT_GELU: channelActivationBackwardLoop(ACT_GELU, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    case ACT_SIGMOID: channelActivationBackwardLoop(ACT_SIGMOID, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    case ACT_TANH: channelActivationBackwardLoop(ACT_TANH, dy, pre, y, plane, alpha, dx, totals, r0, r1); break;
    default: channelActivationBackwardLoop(ACT_SOFTPLUS, dy, pre, y, plane, alpha, dx, totals, r0, r1);
  }
}
