/**
 * Convolution ops over NCHW tensors, built from the backend's im2col/col2im and GEMM kernels: a
 * per-sample loop unfolds each image into columns and multiplies by the weight matrix.
 *
 * - conv2d:          x [N, C, H, W] ⊛ weight [O, C, kH, kW] (+ bias [O]) → [N, O, outH, outW]
 * - convTranspose2d: the adjoint of conv2d, weight [Cin, Cout, kH, kW] as in PyTorch;
 *   out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 *
 * Invariant: the geometry saved for backward always describes the *image* side of im2col (the
 * conv input for conv2d, the conv-transpose output for convTranspose2d), so one geometry serves
 * both directions. Backward passes recompute the columns instead of saving them (memory over time).
 */

import type { Conv2dGeometry } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { needsGrad, record } from './tape.js';
import { Tensor } from './tensor.js';

/** A size given once for both axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  readonly stride?: Pair;
  readonly padding?: Pair;
  readonly dilation?: Pair;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  readonly outputPadding?: Pair;
}

/** [height, width] of a `Pair`, checked to be whole numbers ≥ `min`. */
export function pair(value: Pair | undefined, fallback: number, name: string, min: number): [number, number] {
  const [h, w] = value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : value;
  for (const v of [h, w]) {
    if (!Number.isInteger(v) || v < min) throw new LatentError(`convolution ${name} must be a whole number ≥ ${min}, got ${v}`);
  }
  return [h, w];
}

/** Output size of a convolution along one axis. */
export function convOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Output size of a transposed convolution along one axis. */
export function convTransposeOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number, outputPad: number): number {
  return (size - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPad + 1;
}

function assert4d(op: string, name: string, t: Tensor): [number, number, number, number] {
  if (t.shape.length !== 4) throw new LatentError(`${op}: ${name} must be 4-D, got shape ${formatShape(t.shape)}`);
  const [a, b, c, d] = t.shape;
  return [a!, b!, c!, d!];
}

function checkBias(op: string, bias: Tensor | null, channels: number): void {
  if (bias && bias.size !== channels) {
    throw new LatentError(`${op}: bias has ${bias.size} values, the layer has ${channels} output channels`);
  }
}

/** A scratch tensor outside any scope, released by the caller with dispose(). */
function scratch(size: number): Tensor {
  return Tensor.zeros([size], { persistent: true });
}

/** out[n, c, :] += bias[c] for out viewed as [N, C, L]: one rank-1 GEMM per sample. */
function addChannelBias(out: Tensor, bias: Tensor, n: number, channels: number, plane: number): void {
  const ones = Tensor.full([plane], 1, { persistent: true });
  const backend = out.backend;
  for (let i = 0; i < n; i++) {
    const c = out.data.subarray(i * channels * plane, (i + 1) * channels * plane);
    backend.gemm({ a: bias.data, b: ones.data, c, m: channels, n: plane, k: 1, transA: false, transB: false, alpha: 1, beta: 1 });
  }
  ones.dispose();
}

/** dbias[c] = Σ_n Σ_l dy[n, c, l]. */
function channelBiasGrad(dy: Tensor, n: number, channels: number, plane: number): Tensor {
  const perRow = scratch(n * channels);
  dy.backend.sumCols(dy.data, n * channels, plane, perRow.data);
  const dbias = Tensor.zeros([channels]);
  dy.backend.sumRows(perRow.data, n, channels, dbias.data);
  perRow.dispose();
  return dbias;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's conv2d) without groups.
 *
 * Shape: x [N, C, H, W], weight [O, C, kH, kW], bias [O] → [N, O, outH, outW].
 *
 * @example
 * const y = conv2d(x, weight, bias, { stride: 2, padding: 1 }); // [N, O, ⌈H/2⌉, ⌈W/2⌉]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const [n, channels, height, width] = assert4d('conv2d', 'input', x);
  const [outChannels, wIn, kernelH, kernelW] = assert4d('conv2d', 'weight', weight);
  if (wIn !== channels) {
    throw new LatentError(`conv2d: input has ${channels} channels (shape ${formatShape(x.shape)}), the weight expects ${wIn} (shape ${formatShape(weight.shape)})`);
  }
  checkBias('conv2d', bias, outChannels);
  const [strideH, strideW] = pair(options.stride, 1, 'stride', 1);
  const [padH, padW] = pair(options.padding, 0, 'padding', 0);
  const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', 1);
  const outH = convOutSize(height, kernelH, strideH, padH, dilationH);
  const outW = convOutSize(width, kernelW, strideW, padW, dilationW);
  if (outH < 1 || outW < 1) {
    throw new LatentError(
      `conv2d: a ${kernelH}x${kernelW} kernel (dilation ${dilationH}x${dilationW}, padding ${padH}x${padW}) does not fit a ${height}x${width} input`,
      'use a smaller kernel or more padding, or fewer downsampling layers',
    );
  }
  const geometry: Conv2dGeometry = { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW };
  const out = Tensor.zeros([n, outChannels, outH, outW]);
  const backend = out.backend;
  const k = channels * kernelH * kernelW;
  const plane = outH * outW;
  const image = channels * height * width;
  const cols = scratch(k * plane);
  for (let i = 0; i < n; i++) {
    backend.im2col(x.data.subarray(i * image, (i + 1) * image), geometry, cols.data);
    const c = out.data.subarray(i * outChannels * plane, (i + 1) * outChannels * plane);
    backend.gemm({ a: weight.data, b: cols.data, c, m: outChannels, n: plane, k, transA: false, transB: false, alpha: 1, beta: 0 });
  }
  cols.dispose();
  if (bias) addChannelBias(out, bias, n, outChannels, plane);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  if (needsGrad(inputs)) record('conv2d', inputs, out, { geometry });
  return out;
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input), as PyTorch's
 * conv_transpose2d without groups.
 *
 * Shape: x [N, Cin, H, W], weight [Cin, Cout, kH, kW], bias [Cout] → [N, Cout, outH, outW].
 *
 * @example
 * const y = convTranspose2d(x, weight, bias, { stride: 2, padding: 1, outputPadding: 1 }); // doubles H, W
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  const [n, inChannels, height, width] = assert4d('convTranspose2d', 'input', x);
  const [wIn, channels, kernelH, kernelW] = assert4d('convTranspose2d', 'weight', weight);
  if (wIn !== inChannels) {
    throw new LatentError(
      `convTranspose2d: input has ${inChannels} channels (shape ${formatShape(x.shape)}), the weight expects ${wIn} (shape ${formatShape(weight.shape)})`,
    );
  }
  checkBias('convTranspose2d', bias, channels);
  const [strideH, strideW] = pair(options.stride, 1, 'stride', 1);
  const [padH, padW] = pair(options.padding, 0, 'padding', 0);
  const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', 1);
  const [opH, opW] = pair(options.outputPadding, 0, 'output padding', 0);
  if ((opH >= strideH && opH >= dilationH) || (opW >= strideW && opW >= dilationW)) {
    throw new LatentError(`convTranspose2d: output padding ${opH}x${opW} must be smaller than the stride or the dilation`);
  }
  const outH = convTransposeOutSize(height, kernelH, strideH, padH, dilationH, opH);
  const outW = convTransposeOutSize(width, kernelW, strideW, padW, dilationW, opW);
  if (outH < 1 || outW < 1) {
    throw new LatentError(`convTranspose2d: padding ${padH}x${padW} leaves no output for a ${height}x${width} input`, 'use less padding');
  }
  // The image side of im2col is this op's output; its "columns" side is this op's input.
  const geometry: Conv2dGeometry = {
    channels, height: outH, width: outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH: height, outW: width,
  };
  const out = Tensor.zeros([n, channels, outH, outW]);
  const backend = out.backend;
  const k = channels * kernelH * kernelW;
  const plane = height * width;
  const outImage = channels * outH * outW;
  const cols = scratch(k * plane);
  for (let i = 0; i < n; i++) {
    const xi = x.data.subarray(i * inChannels * plane, (i + 1) * inChannels * plane);
    backend.gemm({ a: weight.data, b: xi, c: cols.data, m: k, n: plane, k: inChannels, transA: true, transB: false, alpha: 1, beta: 0 });
    backend.col2im(cols.data, geometry, out.data.subarray(i * outImage, (i + 1) * outImage));
  }
  cols.dispose();
  if (bias) addChannelBias(out, bias, n, channels, outH * outW);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  if (needsGrad(inputs)) record('convTranspose2d', inputs, out, { geometry });
  return out;
}

type Grads = Array<Tensor | null>;

/** Input, weight and bias gradients of conv2d. */
export function conv2dBackward(inputs: readonly Tensor[], geometry: Conv2dGeometry, dy: Tensor): Grads {
  const [x, weight, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const g = geometry;
  const backend = dy.backend;
  const n = x.shape[0]!;
  const outChannels = weight.shape[0]!;
  const k = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  const image = g.channels * g.height * g.width;
  const cols = scratch(k * plane);
  let dx: Tensor | null = null;
  let dw: Tensor | null = null;
  if (x.requiresGrad) {
    dx = Tensor.zeros(x.shape);
    for (let i = 0; i < n; i++) {
      const dyi = dy.data.subarray(i * outChannels * plane, (i + 1) * outChannels * plane);
      backend.gemm({ a: weight.data, b: dyi, c: cols.data, m: k, n: plane, k: outChannels, transA: true, transB: false, alpha: 1, beta: 0 });
      backend.col2im(cols.data, g, dx.data.subarray(i * image, (i + 1) * image));
    }
  }
  if (weight.requiresGrad) {
    dw = Tensor.zeros(weight.shape);
    for (let i = 0; i < n; i++) {
      backend.im2col(x.data.subarray(i * image, (i + 1) * image), g, cols.data);
      const dyi = dy.data.subarray(i * outChannels * plane, (i + 1) * outChannels * plane);
      backend.gemm({ a: dyi, b: cols.data, c: dw.data, m: outChannels, n: k, k: plane, transA: false, transB: true, alpha: 1, beta: i === 0 ? 0 : 1 });
    }
  }
  cols.dispose();
  const dbias = bias && bias.requiresGrad ? channelBiasGrad(dy, n, outChannels, plane) : null;
  return [dx, dw, dbias];
}

/** Input, weight and bias gradients of convTranspose2d. */
export function convTranspose2dBackward(inputs: readonly Tensor[], geometry: Conv2dGeometry, dy: Tensor): Grads {
  const [x, weight, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const g = geometry;
  const backend = dy.backend;
  const n = x.shape[0]!;
  const inChannels = weight.shape[0]!;
  const k = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  const outImage = g.channels * g.height * g.width;
  const cols = scratch(k * plane);
  const dx = x.requiresGrad ? Tensor.zeros(x.shape) : null;
  const dw = weight.requiresGrad ? Tensor.zeros(weight.shape) : null;
  for (let i = 0; i < n; i++) {
    backend.im2col(dy.data.subarray(i * outImage, (i + 1) * outImage), g, cols.data);
    const slice = (t: Tensor): Float32Array => t.data.subarray(i * inChannels * plane, (i + 1) * inChannels * plane);
    if (dx) backend.gemm({ a: weight.data, b: cols.data, c: slice(dx), m: inChannels, n: plane, k, transA: false, transB: false, alpha: 1, beta: 0 });
    if (dw) backend.gemm({ a: slice(x), b: cols.data, c: dw.data, m: inChannels, n: k, k: plane, transA: false, transB: true, alpha: 1, beta: i === 0 ? 0 : 1 });
  }
  cols.dispose();
  const dbias = bias && bias.requiresGrad ? channelBiasGrad(dy, n, g.channels, g.height * g.width) : null;
  return [dx, dw, dbias];
}
