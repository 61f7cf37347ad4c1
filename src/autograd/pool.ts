/**
 * Max pooling and upsampling over NCHW tensors, as PyTorch's max_pool2d and interpolate with a
 * scale factor. Both fold the batch into the channel axis for the backend kernels (each plane is
 * pooled or resized on its own).
 *
 * Invariant: maxPool2d saves the argmax indices (one float per output value) for its backward,
 * so the gradient reaches exactly the pixel that won each window.
 */

import type { Conv2dGeometry, UpsampleMode } from '../backend/backend.js';
import { upsampleSize } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { pair, type Pair } from './conv.js';
import { needsGrad, record } from './tape.js';
import { Tensor } from './tensor.js';

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  readonly stride?: Pair;
  readonly padding?: Pair;
  readonly dilation?: Pair;
  /** Round output sizes up instead of down (a last window may start in the padding's right half). */
  readonly ceilMode?: boolean;
}

export interface UpsampleOptions {
  readonly mode?: UpsampleMode;
  /** Bilinear only: map corner pixels onto corner pixels. */
  readonly alignCorners?: boolean;
}

function assert4d(op: string, t: Tensor): [number, number, number, number] {
  if (t.shape.length !== 4)
    throw new LatentError(`${op}: input must be 4-D [batch, channels, height, width], got shape ${formatShape(t.shape)}`);
  const [a, b, c, d] = t.shape;
  return [a!, b!, c!, d!];
}

/** Pooled size along one axis, PyTorch's rule (ceil mode keeps the last window starting inside the input or left padding). */
export function poolOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceil: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/**
 * 2-D max pooling; padding counts as −∞.
 *
 * Shape: [N, C, H, W] → [N, C, outH, outW], outH = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈⌉ in ceil mode).
 *
 * @example
 * const y = maxPool2d(x, 2); // [N, C, H/2, W/2]
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  const [n, channels, height, width] = assert4d('maxPool2d', x);
  const [kernelH, kernelW] = pair(kernelSize, 1, 'kernel size', 1);
  const [strideH, strideW] = options.stride === undefined ? [kernelH, kernelW] : pair(options.stride, 1, 'stride', 1);
  const [padH, padW] = pair(options.padding, 0, 'padding', 0);
  const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', 1);
  if (2 * padH > kernelH || 2 * padW > kernelW) {
    throw new LatentError(
      `maxPool2d: padding ${padH}x${padW} must be at most half the kernel ${kernelH}x${kernelW}`,
      'use less padding (as PyTorch requires)',
    );
  }
  const ceil = options.ceilMode === true;
  const outH = poolOutSize(height, kernelH, strideH, padH, dilationH, ceil);
  const outW = poolOutSize(width, kernelW, strideW, padW, dilationW, ceil);
  if (outH < 1 || outW < 1) {
    throw new LatentError(
      `maxPool2d: a ${kernelH}x${kernelW} window does not fit a ${height}x${width} input`,
      'use a smaller kernel or more padding',
    );
  }
  const geometry: Conv2dGeometry = {
    channels: n * channels,
    height,
    width,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    outH,
    outW,
  };
  const out = Tensor.zeros([n, channels, outH, outW]);
  const argmax = Tensor.zeros([n, channels, outH, outW]);
  out.backend.maxPool2d(x.data, geometry, out.data, argmax.data);
  if (needsGrad([x])) record('maxPool2d', [x], out, { geometry, argmax });
  return out;
}

/**
 * Upsample by a scale factor per axis (nearest or bilinear).
 *
 * Shape: [N, C, H, W] → [N, C, ⌊H·scaleH⌋, ⌊W·scaleW⌋].
 *
 * @example
 * const y = upsample2d(x, 2, { mode: 'bilinear' }); // [N, C, 2H, 2W]
 */
export function upsample2d(x: Tensor, scaleFactor: number | readonly [number, number], options: UpsampleOptions = {}): Tensor {
  const [n, channels, height, width] = assert4d('upsample2d', x);
  const [scaleH, scaleW] = typeof scaleFactor === 'number' ? [scaleFactor, scaleFactor] : scaleFactor;
  for (const s of [scaleH, scaleW]) {
    if (!(Number.isFinite(s) && s > 0)) throw new LatentError(`upsample2d: scale factor must be a positive number, got ${s}`);
  }
  const outH = upsampleSize(height, scaleH);
  const outW = upsampleSize(width, scaleW);
  if (outH < 1 || outW < 1) {
    throw new LatentError(
      `upsample2d: scale ${scaleH}x${scaleW} leaves no output for a ${height}x${width} input`,
      'use a larger scale factor',
    );
  }
  const mode = options.mode ?? 'nearest';
  const alignCorners = options.alignCorners === true;
  const out = Tensor.zeros([n, channels, outH, outW]);
  out.backend.upsample2d(x.data, n * channels, height, width, scaleH, scaleW, mode, alignCorners, out.data);
  if (needsGrad([x])) record('upsample2d', [x], out, { scaleH, scaleW, mode, alignCorners });
  return out;
}
