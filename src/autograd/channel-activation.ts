/**
 * A convolution's bias and activation as one op: y = act(x + bias[c]) over [N, C, ...] tensors
 * (a per-channel bias, unlike `linear`'s per-column one). The forward pass is one backend pass
 * instead of a bias pass and an activation pass; the backward pass computes dx = dy·act'(pre)
 * and the bias gradient (the sum over samples and positions) in one pass as well.
 *
 * Invariant: with grad recording on, `pre` (x + bias) is kept for the backward pass in its own
 * buffer, never written into x; activations whose slope the output alone gives (ReLU: y > 0
 * exactly where x + bias > 0) keep no pre-activation, and the backward pass reads y in its place.
 */

import type { Activation } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { needsGrad, record } from './tape.js';
import { Tensor } from './tensor.js';

/**
 * Activations whose slope reads the pre-activation only through its sign, which the output has
 * too (relu), or reads only the output (sigmoid, tanh), or neither (identity).
 */
const OUTPUT_SLOPE: ReadonlySet<Activation> = new Set(['identity', 'relu', 'sigmoid', 'tanh']);

/** Samples, channels and positions per channel of an [N, C, ...] tensor with a [C] bias. */
function channelShape(x: Tensor, bias: Tensor | null): [number, number, number] {
  if (x.shape.length < 2) {
    throw new LatentError(`channelActivation: x must be [N, C, ...], got ${formatShape(x.shape)}`);
  }
  const [n, channels] = x.shape as [number, number];
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== channels)) {
    throw new LatentError(
      `channelActivation: bias must be [${channels}] for x of shape ${formatShape(x.shape)}, got ${formatShape(bias.shape)}`,
    );
  }
  return [n, channels, n * channels === 0 ? 0 : x.size / (n * channels)];
}

/**
 * y[n, c, …] = act(x[n, c, …] + bias[c]); `bias` may be null.
 *
 * @example
 * const y = channelActivation(conv2d(x, w, null, { padding: 1 }), b, 'relu'); // conv + bias + ReLU
 */
export function channelActivation(x: Tensor, bias: Tensor | null, act: Activation, alpha = 0): Tensor {
  const [n, channels, plane] = channelShape(x, bias);
  const y = Tensor.empty(x.shape);
  const backend = y.backend;
  const inputs = bias ? [x, bias] : [x];
  if (!needsGrad(inputs)) {
    backend.channelBiasActivation(x.data, bias ? bias.data : null, n, channels, plane, act, alpha, y.data, null);
    return y;
  }
  // Without a bias the pre-activation is x itself; where the slope needs only y, y stands in.
  const pre = OUTPUT_SLOPE.has(act) ? y : bias ? Tensor.empty(x.shape) : x;
  const preOut = pre !== y && pre !== x ? pre.data : null;
  backend.channelBiasActivation(x.data, bias ? bias.data : null, n, channels, plane, act, alpha, y.data, preOut);
  record('channelActivation', inputs, y, { act, alpha, pre });
  return y;
}

/** dx and dbias of channelActivation in one backend pass. */
export function channelActivationBackward(
  inputs: readonly Tensor[],
  saved: { readonly act: Activation; readonly alpha: number; readonly pre: Tensor },
  y: Tensor,
  dy: Tensor,
): Array<Tensor | null> {
  const [x, bias] = inputs as [Tensor, Tensor | undefined];
  const [n, channels, plane] = channelShape(x, bias ?? null);
  const dx = Tensor.empty(x.shape);
  const dbias = bias && bias.requiresGrad ? Tensor.empty(bias.shape) : null;
  dy.backend.channelActivationBackward(
    dy.data,
    saved.pre.data,
    y.data,
    n,
    channels,
    plane,
    saved.act,
    saved.alpha,
    dx.data,
    dbias ? dbias.data : null,
  );
  return [x.requiresGrad ? dx : null, dbias];
}
